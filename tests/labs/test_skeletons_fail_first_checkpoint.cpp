// A student's first run: the untouched skeleton (it built, so it has no warning under -Werror)
// starts, and `socklab check LAB --checkpoint 1` fails within 30 s, in a verdict that names the
// handout step of checkpoint 1, with the skeleton neither crashing nor hanging on SIGTERM.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "tests/harness/socklab_run.hpp"

namespace {

const char* const kLabs[] = {
#include "lab_names.inc"
};

class Skeleton : public testing::TestWithParam<const char*> {};

TEST_P(Skeleton, FailsCheckpointOneWithItsHandoutStepWithin30Seconds) {
  std::string lab = GetParam();
  std::string program = std::string(SOCKLAB_BIN_DIR) + "/lab-" + lab;
  auto start = std::chrono::steady_clock::now();
  socklab::testing::SocklabRun run = socklab::testing::run_socklab(
      lab + " --server " + program + " --checkpoint 1 -j 2", "skeleton-" + lab);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_LT(seconds, 30.0) << run.output;
  ASSERT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  bool failed_one = false;
  for (const auto& scenario : run.report["scenarios"]) {
    ASSERT_TRUE(scenario.contains("checkpoint")) << scenario.dump(2);
    EXPECT_EQ(scenario["checkpoint"]["number"], 1) << scenario.dump(2);
    if (scenario["verdict"] != "failed") continue;
    failed_one = true;
    std::string message = scenario["message"];
    EXPECT_EQ(message.find("was killed by"), std::string::npos) << "a crash: " << message;
    // A server lab's skeleton stops when asked; a client lab's exits by itself.
    EXPECT_EQ(scenario["server_exit"], "exited with status 0") << scenario.dump(2);
  }
  EXPECT_TRUE(failed_one) << run.output;
  int step = run.report["scenarios"][0]["checkpoint"]["step"];
  EXPECT_NE(run.output.find("checkpoint 1, step " + std::to_string(step)), std::string::npos)
      << run.output;
}

INSTANTIATE_TEST_SUITE_P(Labs, Skeleton, testing::ValuesIn(kLabs),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace
