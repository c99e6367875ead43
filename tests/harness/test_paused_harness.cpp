// A harness that is not scheduled for a while (a loaded grading machine) must not blame the
// server for its own pause. close/linger holds a client's reads back for 2 s and gives up on a
// connection silent for 4 s; socklab is stopped (SIGSTOP) from 1 s to 6 s into the run, across
// both moments, while the server goes on. The server's echo waits in the client's socket all
// that time, so the scenario must still pass. Before the flow driver took a last look at its
// sockets before calling a stall, this run failed every time with "got 0 of 32768 sent bytes
// back, then nothing": the flake seen once in a loaded `make test`.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "tests/support/command_run.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(PausedHarness, AHarnessStoppedForFiveSecondsDoesNotBlameTheServer) {
  fs::path out = fs::temp_directory_path() / ("socklab-paused-" + std::to_string(::getpid()));
  fs::path log = out.string() + ".log";
  pid_t socklab = ::fork();
  ASSERT_GE(socklab, 0);
  if (socklab == 0) {
    std::FILE* output = std::freopen(log.c_str(), "w", stdout);
    if (!output || ::dup2(STDOUT_FILENO, STDERR_FILENO) < 0) ::_exit(126);
    std::string socklab_path = std::string(SOCKLAB_BIN_DIR) + "/socklab";
    ::execl(socklab_path.c_str(), "socklab", "check", "close", "--scenario", "linger", "--out",
            out.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::this_thread::sleep_for(1s);
  ASSERT_EQ(::kill(socklab, SIGSTOP), 0);
  std::this_thread::sleep_for(5s);
  ASSERT_EQ(::kill(socklab, SIGCONT), 0);

  int status = 0;
  for (int waited = 0; waited < 600 && ::waitpid(socklab, &status, WNOHANG) == 0; ++waited) {
    std::this_thread::sleep_for(100ms);  // up to 60 s; the scenario itself takes about 7 s here
  }
  std::string output = socklab::testing::read_text(log);
  if (!WIFEXITED(status)) ::kill(socklab, SIGKILL), ::waitpid(socklab, &status, 0);
  fs::remove_all(out);
  fs::remove(log);
  ASSERT_TRUE(WIFEXITED(status)) << "socklab did not finish within 60 s\n" << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("1 passed, 0 failed"), std::string::npos) << output;
}

}  // namespace
