// The busy-loop check on a saturated machine. Three spinning sessions per core compete with the
// server (each its own session, so autogroup gives each a full share, as separate logins or
// parallel grading jobs would get): a spinner then gets about a quarter of a core, under the
// half-core line, and the CPU-time rule alone let lt-always-epollout pass 5 runs in 6. Every
// run here must catch it, and every run must pass the references.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command_run.hpp"

namespace {

namespace fs = std::filesystem;
using socklab::testing::run_command;

// Spinning processes that end with this object (and with the test, if it dies first).
class MachineSaturation {
 public:
  explicit MachineSaturation(unsigned per_core) {
    unsigned count = per_core * std::max(1u, std::thread::hardware_concurrency());
    for (unsigned i = 0; i < count; ++i) {
      pid_t pid = ::fork();
      if (pid == 0) {
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::setsid();
        volatile unsigned long spins = 0;
        for (;;) spins = spins + 1;
      }
      if (pid > 0) spinners_.push_back(pid);
    }
  }
  ~MachineSaturation() {
    for (pid_t pid : spinners_) ::kill(pid, SIGKILL);
    for (pid_t pid : spinners_) ::waitpid(pid, nullptr, 0);
  }
  std::size_t size() const { return spinners_.size(); }
  MachineSaturation(const MachineSaturation&) = delete;
  MachineSaturation& operator=(const MachineSaturation&) = delete;

 private:
  std::vector<pid_t> spinners_;
};

socklab::testing::CommandRun check(const std::string& lab, const std::string& server,
                                   const std::string& scenario) {
  fs::path out = fs::temp_directory_path() /
                 ("socklab-busy-under-load-" + std::to_string(::getpid()) + "-" + scenario);
  std::string command = std::string(SOCKLAB_BIN_DIR) + "/socklab check " + lab + " --scenario " +
                        scenario + " --out " + out.string();
  if (!server.empty()) command += " --server " + server;
  auto run = run_command(command);
  fs::remove_all(out);
  return run;
}

constexpr int kRuns = 3;

TEST(BusyLoopUnderLoad, TheEpolloutSpinnerIsCaughtEveryTime) {
  MachineSaturation saturation(3);
  ASSERT_GT(saturation.size(), 0u) << "fork() failed: " << std::strerror(errno);
  const std::string mutant = std::string(SOCKLAB_BIN_DIR) + "/mutants/mutant-lt-always-epollout";
  for (int run = 1; run <= kRuns; ++run) {
    auto result = check("epoll-lt", mutant, "slow-sender");
    EXPECT_EQ(result.exit_status, 1) << "run " << run << ":\n" << result.output;
    EXPECT_NE(result.output.find("A busy loop"), std::string::npos) << "run " << run << ":\n"
                                                                    << result.output;
  }
}

TEST(BusyLoopUnderLoad, TheReferencesStillPass) {
  MachineSaturation saturation(3);
  ASSERT_GT(saturation.size(), 0u) << "fork() failed: " << std::strerror(errno);
  for (int run = 1; run <= kRuns; ++run) {
    for (const char* lab : {"epoll-lt", "epoll-et"}) {
      auto result = check(lab, "", "slow-sender");
      EXPECT_EQ(result.exit_status, 0) << lab << ", run " << run << ":\n" << result.output;
    }
    auto result = check("poll", "", "slow-reader");
    EXPECT_EQ(result.exit_status, 0) << "poll, run " << run << ":\n" << result.output;
  }
}

}  // namespace
