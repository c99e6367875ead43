// `socklab package autolab` writes autograde-Makefile and autograde.tar, Autolab's pair. Run as
// Tango runs it (the Makefile copied as Makefile beside the tar and the handin, then `make`),
// the last line of the output is the {"scores": ...} line: the grade, or zeros when socklab is
// not in the image.
#include <gtest/gtest.h>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

using nlohmann::json;

class AutolabPackage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = fresh_folder("autolab");
    packaging_ = package_lab("autolab", "close", folder_ / "package");
  }
  static void TearDownTestSuite() { fs::remove_all(folder_); }

  // A grading folder as Tango makes it: Makefile, autograde.tar, the handin.
  fs::path grading_folder(const std::string& tag, const std::string& server) {
    fs::path folder = fresh_folder("autolab-" + tag);
    fs::copy_file(folder_ / "package" / "autograde-Makefile", folder / "Makefile");
    fs::copy_file(folder_ / "package" / "autograde.tar", folder / "autograde.tar");
    write_text(folder / "server.cpp", server);
    return folder;
  }

  static std::string last_line(const std::string& output) {
    std::string text = output;
    while (!text.empty() && text.back() == '\n') text.pop_back();
    std::size_t start = text.rfind('\n');
    return start == std::string::npos ? text : text.substr(start + 1);
  }

  static inline fs::path folder_;
  static inline CommandRun packaging_;
};

TEST_F(AutolabPackage, WritesTheMakefileAndTheTar) {
  ASSERT_EQ(packaging_.exit_status, 0) << packaging_.output;
  EXPECT_TRUE(fs::is_regular_file(folder_ / "package" / "autograde-Makefile"));
  CommandRun listing =
      run_command("tar -tvf " + shell_quoted(folder_ / "package" / "autograde.tar"));
  ASSERT_EQ(listing.exit_status, 0) << listing.output;
  for (const char* file : {"socklab-autograde/grade.sh", "socklab-autograde/setup.sh",
                           "socklab-autograde/socklab/CMakeLists.txt",
                           "socklab-autograde/socklab/labs/07-close/lab.toml",
                           "socklab-autograde/third_party/toml++/"}) {
    EXPECT_NE(listing.output.find(file), std::string::npos) << file;
  }
  EXPECT_NE(listing.output.find("-rwxr-xr-x 0/0"), std::string::npos) << "grade.sh is a program";
}

TEST_F(AutolabPackage, SaysWhichProblemsTheAssessmentNeeds) {
  EXPECT_NE(packaging_.output.find("closing (76), robustness (24)"), std::string::npos)
      << packaging_.output;
}

// Tango runs make at the top level. Under `make test` this make would be a sub-make, which
// prints "Leaving directory" after the scores; without make's variables it is top-level again.
const std::string kTangoMake = "env -u MAKELEVEL -u MAKEFLAGS -u MFLAGS make";

TEST_F(AutolabPackage, EndsTheOutputWithTheScoresOfACorrectHandin) {
  fs::path folder = grading_folder("correct", reference_close_server());
  CommandRun run = run_command("cd " + shell_quoted(folder) +
                               " && SOCKLAB=" + shell_quoted(bin("socklab")) + " " + kTangoMake);
  json scores = json::parse(last_line(run.output), nullptr, false);
  ASSERT_TRUE(scores.is_object()) << run.output;
  ASSERT_TRUE(scores["scores"].is_object()) << run.output;
  double total = 0;
  for (const auto& [category, points] : scores["scores"].items()) total += points.get<double>();
  EXPECT_GT(total, 0) << run.output;
  EXPECT_TRUE(scores["scores"].contains("closing")) << run.output;
  fs::remove_all(folder);
}

TEST_F(AutolabPackage, EndsTheOutputWithZerosWhenSocklabIsNotInTheImage) {
  fs::path folder = grading_folder("no-socklab", reference_close_server());
  CommandRun run = run_command("cd " + shell_quoted(folder) + " && SOCKLAB=" +
                               shell_quoted(folder / "no-such-socklab") + " " + kTangoMake);
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_EQ(last_line(run.output), R"({"scores":{"closing":0,"robustness":0}})") << run.output;
  EXPECT_NE(run.output.find("socklab is not installed"), std::string::npos) << run.output;
  fs::remove_all(folder);
}

}  // namespace
}  // namespace socklab::package_tests
