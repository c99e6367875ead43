// What a student types while working through a lab: `socklab list` shows the checkpoints,
// `--checkpoint N` runs only those up to N (and refuses an N the lab lacks), `--compare` prints
// the trace beside the golden, and a bad manifest given with --labs is refused with its reason.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "tests/harness/socklab_run.hpp"

namespace {

namespace fs = std::filesystem;
using socklab::testing::run_socklab;

std::string bin(const std::string& program) { return std::string(SOCKLAB_BIN_DIR) + "/" + program; }

TEST(CheckpointCommands, ListShowsEachLabsCheckpointsWithTheirSteps) {
  std::string output;
  std::FILE* pipe = ::popen((bin("socklab") + " list 2>&1").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  EXPECT_EQ(::pclose(pipe), 0) << output;
  EXPECT_NE(output.find("checkpoints of close (labs/07-close/README.md"), std::string::npos)
      << output;
  EXPECT_NE(output.find("  1  step 2: "), std::string::npos) << output;
}

TEST(CheckpointCommands, CheckpointOneRunsOnlyItsOwnScenarios) {
  auto run = run_socklab("close --checkpoint 1 -j 2", "checkpoint-one");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  for (const auto& scenario : run.report["scenarios"]) {
    EXPECT_EQ(scenario["checkpoint"]["number"], 1) << scenario.dump(2);
  }
  EXPECT_NE(run.output.find("PASS  1  step 2: "), std::string::npos) << run.output;
}

TEST(CheckpointCommands, ACheckpointTheLabLacksIsAUsageError) {
  auto run = run_socklab("close --checkpoint 99", "checkpoint-99");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("the close lab has checkpoints 1 to"), std::string::npos) << run.output;
}

TEST(CheckpointCommands, CompareShowsTheTraceBesideTheGoldenOnlyWhenAsked) {
  std::string skeleton = " --server " + bin("lab-close") + " --checkpoint 1";
  auto plain = run_socklab("close" + skeleton, "compare-off");
  EXPECT_EQ(plain.exit_status, 1) << plain.output;
  EXPECT_NE(plain.output.find("(--compare shows your trace beside it)"), std::string::npos)
      << plain.output;
  EXPECT_EQ(plain.output.find("reference (golden)"), std::string::npos) << plain.output;
  auto compared = run_socklab("close" + skeleton + " --compare", "compare-on");
  EXPECT_EQ(compared.exit_status, 1) << compared.output;
  EXPECT_NE(compared.output.find("reference (golden)"), std::string::npos) << compared.output;
}

TEST(CheckpointCommands, UntilFailureStopsAfterTheFirstFailingCheckpoint) {
  auto run =
      run_socklab("close --server " + bin("lab-close") + " --until-failure", "until-failure");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  for (const auto& scenario : run.report["scenarios"]) {
    EXPECT_EQ(scenario["checkpoint"]["number"], 1) << scenario.dump(2);
  }
  EXPECT_NE(run.output.find("checkpoint 1 failed: the 7 scenarios after it were not run"),
            std::string::npos)
      << run.output;
}

TEST(CheckpointCommands, AServerThatNeverAcceptsIsToldSoWithItsOwnWords) {
  auto run = run_socklab("select --server " + bin("lab-select") + " --scenario pipelined",
                         "never-accepts");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  std::string message = run.report["scenarios"][0]["message"];
  EXPECT_NE(message.find("the server accepted no connection"), std::string::npos) << message;
  EXPECT_NE(message.find("lab-select: TODO(step 2)"), std::string::npos) << message;
}

TEST(CheckpointCommands, ABadManifestIsRefusedWithItsReason) {
  fs::path labs = fs::temp_directory_path() / ("socklab-bad-labs-" + std::to_string(::getpid()));
  fs::create_directories(labs / "07-close");
  std::ofstream(labs / "07-close" / "lab.toml") << "name = \"close\"\n";
  auto run = run_socklab("close --labs " + labs.string(), "bad-manifest");
  fs::remove_all(labs);
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("07-close/lab.toml: 'title' must be a string"), std::string::npos)
      << run.output;
}

}  // namespace
