// Ctrl-C in the middle of `socklab check --all` leaves nothing behind: socklab exits 130 and
// no server process of the run survives it.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A --max-conns value no other test uses: it marks this run's servers in /proc.
constexpr const char* kMarker = "7331";

int servers_with_marker() {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string text;
    try {
      std::ifstream cmdline(entry.path() / "cmdline");
      text.assign(std::istreambuf_iterator<char>(cmdline), std::istreambuf_iterator<char>());
    } catch (const std::exception&) {
      continue;  // libstdc++ throws when read() fails: the process exited (ESRCH) mid-read
    }
    for (char& c : text) c = c == '\0' ? ' ' : c;
    bool ours = text.find("/ref-") != std::string::npos &&
                text.find(std::string("--max-conns ") + kMarker) != std::string::npos;
    if (ours) ++count;
  }
  return count;
}

TEST(InterruptedRun, ExitsWith130AndLeavesNoServerRunning) {
  fs::path out = fs::temp_directory_path() / ("socklab-interrupt-" + std::to_string(::getpid()));
  int output[2];
  ASSERT_EQ(::pipe(output), 0);
  pid_t socklab = ::fork();
  ASSERT_GE(socklab, 0);
  if (socklab == 0) {
    ::dup2(output[1], STDOUT_FILENO);
    ::close(output[0]);
    std::string socklab_path = std::string(SOCKLAB_BIN_DIR) + "/socklab";
    ::execl(socklab_path.c_str(), "socklab", "check", "--all", "-j", "2", "--out", out.c_str(), "--",
            "--max-conns", kMarker, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(output[1]);
  // Interrupt once the first scenario has finished: servers and namespaces exist by then.
  std::string seen;
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (seen.find("[  1/") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    pollfd readable{output[0], POLLIN, 0};
    if (::poll(&readable, 1, 1000) <= 0) continue;
    char chunk[512];
    ssize_t n = ::read(output[0], chunk, sizeof chunk);
    if (n <= 0) break;
    seen.append(chunk, static_cast<std::size_t>(n));
  }
  ASSERT_NE(seen.find("[  1/"), std::string::npos) << seen;
  ::kill(socklab, SIGINT);

  int status = 0;
  for (int waited = 0; waited < 300 && ::waitpid(socklab, &status, WNOHANG) == 0; ++waited) {
    std::this_thread::sleep_for(100ms);  // up to 30 s: a scenario's servers get a 3 s grace
  }
  ::close(output[0]);
  fs::remove_all(out);
  ASSERT_TRUE(WIFEXITED(status)) << "socklab did not exit within 30 s of SIGINT";
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(servers_with_marker(), 0) << "a server of the interrupted run is still running";
}

}  // namespace
