// `socklab package github-classroom` writes the workflow GitHub Classroom reads points from
// (named "Autograding Tests", one job "run-autograding-tests", the reporter fed by a step's
// base64 JSON result) and the kit in .socklab/. Its grade.sh, run here as the workflow runs it,
// hands the reporter the grade with the rubric's total as maximum, or 0 points and why.
#include <gtest/gtest.h>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

using nlohmann::json;

class GithubClassroomPackage : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = fresh_folder("classroom");
    packaging_ = package_lab("github-classroom", "close", folder_ / "repository");
    workflow_ = read_text(folder_ / "repository" / ".github" / "workflows" / "socklab.yml");
  }
  static void TearDownTestSuite() { fs::remove_all(folder_); }

  // Runs .socklab/grade.sh in the repository as the workflow's step does, and decodes the
  // `result` it wrote to $GITHUB_OUTPUT.
  json graded_result(const std::string& socklab) {
    fs::path output = folder_ / "github-output";
    fs::remove(output);
    last_run_ = run_command("cd " + shell_quoted(folder_ / "repository") +
                            " && GITHUB_OUTPUT=" + shell_quoted(output) +
                            " SOCKLAB=" + shell_quoted(socklab) + " bash .socklab/grade.sh");
    std::string line = read_text(output);
    if (line.rfind("result=", 0) != 0) return json();
    CommandRun decoded = run_command(
        "printf '%s' " + shell_quoted(line.substr(7, line.find('\n') - 7)) + " | base64 -d");
    return json::parse(decoded.output, nullptr, false);
  }

  static inline fs::path folder_;
  static inline CommandRun packaging_;
  static inline std::string workflow_;
  CommandRun last_run_;
};

TEST_F(GithubClassroomPackage, WritesTheWorkflowAndTheKit) {
  ASSERT_EQ(packaging_.exit_status, 0) << packaging_.output;
  EXPECT_TRUE(fs::is_regular_file(folder_ / "repository/.socklab/socklab/CMakeLists.txt"));
  EXPECT_TRUE(fs::is_regular_file(folder_ / "repository/.socklab/setup.sh"));
  EXPECT_TRUE(fs::is_regular_file(folder_ / "repository/.socklab/grade.sh"));
  EXPECT_TRUE(fs::exists(folder_ / "repository/.socklab/third_party/toml++"));
}

TEST_F(GithubClassroomPackage, FollowsTheNamesClassroomReadsPointsFrom) {
  EXPECT_NE(workflow_.find("\nname: Autograding Tests\n"), std::string::npos) << workflow_;
  EXPECT_NE(workflow_.find("\n  run-autograding-tests:\n"), std::string::npos) << workflow_;
  EXPECT_NE(workflow_.find("uses: classroom-resources/autograding-grading-reporter@v1"),
            std::string::npos);
  EXPECT_NE(workflow_.find("SOCKLAB_RESULTS: \"${{ steps.socklab.outputs.result }}\""),
            std::string::npos);
  EXPECT_NE(workflow_.find("runners: socklab\n"), std::string::npos);
  EXPECT_NE(workflow_.find("runs-on: ubuntu-24.04"), std::string::npos);
}

TEST_F(GithubClassroomPackage, GradesWithSudoWhenNotRoot) {
  std::string grade = read_text(folder_ / "repository/.socklab/grade.sh");
  EXPECT_NE(grade.find("as_root=(sudo -n)"), std::string::npos);
  EXPECT_NE(grade.find("MAX_POINTS=100\n"), std::string::npos);
}

TEST_F(GithubClassroomPackage, HandsTheReporterTheGradeOfTheFilesAtTheRoot) {
  write_text(folder_ / "repository" / "server.cpp", reference_close_server());
  json result = graded_result(bin("socklab"));
  fs::remove(folder_ / "repository" / "server.cpp");
  ASSERT_TRUE(result.is_object()) << last_run_.output;
  EXPECT_EQ(result["version"], 1);
  EXPECT_EQ(result["max_score"], 100) << "the rubric's total";
  ASSERT_TRUE(result["tests"].is_array()) << result.dump(2);
  double points = 0;
  for (const json& test : result["tests"]) {
    EXPECT_TRUE(test["status"] == "pass" || test["status"] == "fail") << test.dump();
    points += test["score"].get<double>();
  }
  EXPECT_GT(points, 0) << result.dump(2);
}

TEST_F(GithubClassroomPackage, HandsTheReporterZeroAndWhyWhenSocklabIsMissing) {
  json result = graded_result((folder_ / "no-such-socklab").string());
  ASSERT_TRUE(result.is_object()) << last_run_.output;
  EXPECT_EQ(result["status"], "error");
  EXPECT_EQ(result["max_score"], 100);
  ASSERT_EQ(result["tests"].size(), 1u);
  EXPECT_EQ(result["tests"][0]["score"], 0);
  EXPECT_NE(result["tests"][0]["message"].get<std::string>().find("socklab is not built"),
            std::string::npos)
      << result.dump(2);
}

}  // namespace
}  // namespace socklab::package_tests
