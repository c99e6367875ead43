// Every lab is solvable with its skeleton's build and contract: the reference, built through
// the lab's own build in place of the student's file (lab-LAB-solved), passes every checkpoint.
#include <gtest/gtest.h>

#include <string>

#include "tests/harness/socklab_run.hpp"

namespace {

const char* const kLabs[] = {
#include "lab_names.inc"
};

class SolvedLab : public testing::TestWithParam<const char*> {};

TEST_P(SolvedLab, PassesEveryCheckpoint) {
  std::string lab = GetParam();
  std::string program = std::string(SOCKLAB_BIN_DIR) + "/solved/lab-" + lab + "-solved";
  socklab::testing::SocklabRun run =
      socklab::testing::run_socklab(lab + " --server " + program + " -j 2", "solved-" + lab);
  EXPECT_EQ(run.exit_status, 0) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(run.report["summary"]["failed"], 0) << run.output;
  EXPECT_EQ(run.report["summary"]["errors"], 0) << run.output;
  for (const auto& scenario : run.report["scenarios"]) {
    EXPECT_TRUE(scenario.contains("checkpoint")) << "in no checkpoint: " << scenario["scenario"];
  }
  EXPECT_NE(run.output.find("checkpoints of " + lab), std::string::npos) << run.output;
}

INSTANTIATE_TEST_SUITE_P(Labs, SolvedLab, testing::ValuesIn(kLabs),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace
