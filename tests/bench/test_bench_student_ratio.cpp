// `socklab bench LAB --server PATH`: the reference against itself gives a ratio near 1, and a
// server that never listens is told so, with exit status 2, quickly.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "tests/support/command_run.hpp"

namespace socklab::test {
namespace {

using socklab::testing::CommandRun;
using socklab::testing::run_command;

const std::string kSocklab = std::string(SOCKLAB_BIN_DIR) + "/socklab";
const std::string kQuick = " --repetitions 1 --duration 0.3 --warmup 0.1";

TEST(StudentRatio, ReferenceAgainstItselfPrintsARatioNearOne) {
  CommandRun run = run_command(kSocklab + " bench epoll-et --server " + SOCKLAB_BIN_DIR +
                               "/ref-epoll-et" + kQuick);
  ASSERT_EQ(run.exit_status, 0) << run.output;
  std::smatch match;
  ASSERT_TRUE(std::regex_search(run.output, match, std::regex("ratio: ([0-9.]+)"))) << run.output;
  // The same program twice: 1 in principle. One 0.3 s window per load on a shared 2-core
  // machine swings by tens of percent, so only a factor of 5 either way means a broken method
  // (the wrong server measured, a window that served nothing, a ratio inverted).
  const double ratio = std::stod(match[1]);
  EXPECT_GT(ratio, 0.2) << run.output;
  EXPECT_LT(ratio, 5.0) << run.output;
}

TEST(StudentRatio, ServerThatNeverListensExitsTwoNamingTheListeningLine) {
  const auto started = std::chrono::steady_clock::now();
  CommandRun run = run_command(kSocklab + " bench epoll-et --server /bin/true" + kQuick);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("listening on HOST:PORT"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("/bin/true"), std::string::npos) << run.output;
  // /bin/true exits at once: the answer must not wait for the startup timeout (10 s).
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(StudentRatio, ServerThatSleepsWithoutListeningIsGivenUpOn) {
  // A server that takes its arguments, then never listens and never exits: only socklab's
  // startup timeout (10 s) can end the wait.
  const std::filesystem::path script =
      std::filesystem::temp_directory_path() /
      ("socklab-bench-sleeper-" + std::to_string(::getpid()) + ".sh");
  {
    std::ofstream out(script);
    out << "#!/bin/sh\nexec sleep 600\n";
  }
  std::filesystem::permissions(script, std::filesystem::perms::owner_all |
                                           std::filesystem::perms::others_read |
                                           std::filesystem::perms::others_exec);
  CommandRun run = run_command(kSocklab + " bench epoll-et --server " + script.string() + kQuick);
  std::filesystem::remove(script);
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("expected the line `listening on HOST:PORT`"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("within 10000 ms"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace socklab::test
