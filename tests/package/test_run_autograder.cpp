// Gradescope's run_autograder, run as Gradescope runs it (the zip unpacked into source/, the
// script copied beside it, the student's files in submission/) with the socklab already built
// here in place of the one setup.sh would build: it always leaves a valid results.json, with the
// grade when socklab gives one, and with score 0 and the reason in words when socklab is missing,
// crashes or runs out of time.
#include <gtest/gtest.h>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

using nlohmann::json;

class RunAutograder : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    package_folder_ = fresh_folder("run-autograder-zip");
    CommandRun packaging = package_lab("gradescope", "close", package_folder_ / "autograder.zip");
    entries_ = read_zip(package_folder_ / "autograder.zip");
    packaging_output_ = packaging.output;
  }
  static void TearDownTestSuite() { fs::remove_all(package_folder_); }

  void SetUp() override {
    ASSERT_TRUE(entries_.count("run_autograder")) << packaging_output_;
    root_ = fresh_folder(std::string("autograder-") +
                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    unpack(entries_, root_ / "source");
    fs::copy_file(root_ / "source" / "run_autograder", root_ / "run_autograder");
    fs::create_directories(root_ / "submission");
    fs::create_directories(root_ / "results");
  }
  void TearDown() override { fs::remove_all(root_); }

  // Runs /autograder/run_autograder from /autograder, with `environment` on top.
  CommandRun run_autograder(const std::string& environment) {
    return run_command("cd " + shell_quoted(root_) + " && env AUTOGRADER_ROOT=" +
                       shell_quoted(root_) + " " + environment + " ./run_autograder");
  }
  json results() { return read_json(root_ / "results" / "results.json"); }

  static double max_score_of(const json& results) {
    double total = 0;
    for (const json& test : results["tests"]) total += test.value("max_score", 0.0);
    return total;
  }

  static inline fs::path package_folder_;
  static inline std::map<std::string, ZipEntry> entries_;
  static inline std::string packaging_output_;
  fs::path root_;
};

TEST_F(RunAutograder, GivesACorrectSubmissionFullMarks) {
  write_text(root_ / "submission" / "server.cpp", reference_close_server());
  CommandRun run = run_autograder("SOCKLAB=" + shell_quoted(bin("socklab")));
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  ASSERT_TRUE(graded["tests"].is_array()) << graded.dump(2);
  EXPECT_GT(max_score_of(graded), 0) << graded.dump(2);
  // Full marks of what can be graded here: in loopback mode the scenarios that need hosts of
  // their own leave the maximum (100 where namespaces can be made).
  EXPECT_EQ(graded["score"].get<double>(), max_score_of(graded)) << run.output;
}

TEST_F(RunAutograder, GivesABrokenSubmissionZeroWithTheCompilersWords) {
  write_text(root_ / "submission" / "server.cpp", broken_server());
  CommandRun run = run_autograder("SOCKLAB=" + shell_quoted(bin("socklab")));
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  EXPECT_EQ(graded["score"].get<double>(), 0) << graded.dump(2);
  ASSERT_TRUE(graded["tests"].is_array()) << graded.dump(2);
  EXPECT_GT(max_score_of(graded), 0) << "a broken build is a zero, not ungradable";
  EXPECT_NE(graded.dump().find("error"), std::string::npos) << graded.dump(2);
}

TEST_F(RunAutograder, SaysSoWhenSocklabIsMissing) {
  write_text(root_ / "submission" / "server.cpp", reference_close_server());
  CommandRun run = run_autograder("SOCKLAB=" + shell_quoted(root_ / "no-such-socklab"));
  EXPECT_EQ(run.exit_status, 0) << run.output;
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  EXPECT_EQ(graded["score"], 0);
  EXPECT_EQ(graded["tests"].size(), 1u);
  EXPECT_EQ(graded["tests"][0]["max_score"], 100);
  EXPECT_NE(graded["output"].get<std::string>().find("socklab is not installed"), std::string::npos)
      << graded.dump(2);
}

// The default path is where setup.sh builds socklab; without setup.sh there is none.
TEST_F(RunAutograder, LooksForSocklabWhereSetupBuildsIt) {
  CommandRun run = run_autograder("");
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  EXPECT_NE(graded["output"].get<std::string>().find(
                (root_ / "source/socklab/build/bin/socklab").string()),
            std::string::npos)
      << graded.dump(2);
}

TEST_F(RunAutograder, SaysSoWhenSocklabCrashesAndQuotesItsLastWords) {
  // Quotes, backslashes, a tab, a control character and a byte that is not UTF-8: the fallback
  // must still be valid JSON.
  write_text(root_ / "crashing-socklab",
             "#!/bin/sh\nprintf 'compiling \"server.cpp\" \\\\ at\\tonce \\001\\377\\n'\n"
             "kill -SEGV $$\n",
             fs::perms(0755));
  CommandRun run = run_autograder("SOCKLAB=" + shell_quoted(root_ / "crashing-socklab"));
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output << read_text(root_ / "results" / "results.json");
  EXPECT_EQ(graded["score"], 0);
  std::string output = graded["output"];
  EXPECT_NE(output.find("socklab crashed (killed by signal 11)"), std::string::npos) << output;
  EXPECT_NE(output.find("compiling \"server.cpp\" \\ at\tonce"), std::string::npos) << output;
}

TEST_F(RunAutograder, SaysSoWhenGradingRunsOutOfTime) {
  write_text(root_ / "slow-socklab", "#!/bin/sh\necho still grading\nexec sleep 60\n",
             fs::perms(0755));
  CommandRun run =
      run_autograder("GRADE_TIME_LIMIT_SECONDS=1 SOCKLAB=" + shell_quoted(root_ / "slow-socklab"));
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  EXPECT_EQ(graded["score"], 0);
  EXPECT_NE(graded["output"].get<std::string>().find("longer than 1 seconds"), std::string::npos)
      << graded.dump(2);
}

TEST_F(RunAutograder, SaysSoWhenSocklabRefusesToSetUp) {
  write_text(root_ / "refusing-socklab",
             "#!/bin/sh\necho 'socklab: namespaces unavailable' >&2\nexit 2\n", fs::perms(0755));
  CommandRun run = run_autograder("SOCKLAB=" + shell_quoted(root_ / "refusing-socklab"));
  json graded = results();
  ASSERT_TRUE(graded.is_object()) << run.output;
  EXPECT_EQ(graded["score"], 0);
  std::string output = graded["output"];
  EXPECT_NE(output.find("exit status 2"), std::string::npos) << output;
  EXPECT_NE(output.find("namespaces unavailable"), std::string::npos) << output;
}

}  // namespace
}  // namespace socklab::package_tests
