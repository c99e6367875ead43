// ServerProcess: one server under test, started as its own process and always stopped.
//
// The integration tests treat a server as a black box, exactly as the harness does: start the
// program, wait for its `listening on HOST:PORT` line, talk TCP to it, look at the process from
// outside (/proc/PID), send SIGTERM and read its exit status.
#pragma once

#include <sys/types.h>

#include <array>
#include <chrono>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "net/fd.hpp"

namespace socklab::test {

// The five servers every behaviour runs against, in teaching order (build/bin/ref-<lab>).
inline constexpr std::array<std::string_view, 5> kReferenceLabs = {"blocking", "select", "poll",
                                                                   "epoll-lt", "epoll-et"};

// "<bin_dir>/ref-<lab>"; the test programs know bin_dir as SOCKLAB_BIN_DIR, from CMake.
std::string reference_server_path(std::string_view bin_dir, std::string_view lab);

// "epoll-lt" -> "epoll_lt": GoogleTest parameter names may hold only letters, digits and '_'.
std::string test_name_for_lab(std::string_view lab);

// The name generator for INSTANTIATE_TEST_SUITE_P over kReferenceLabs (a function object, not a
// lambda, because the macro's own parameter is called `info` and a lambda's would shadow it).
struct LabTestName {
  template <typename TestParamInfo>
  std::string operator()(const TestParamInfo& param_info) const {
    return test_name_for_lab(param_info.param);
  }
};

// How a server process ended, as waitpid reports it.
struct ServerExit {
  enum class Kind { exited, killed_by_signal, still_running };
  Kind kind = Kind::still_running;
  int code = 0;  // the exit status, or the signal number

  static ServerExit exited(int status) { return {Kind::exited, status}; }
  static ServerExit from_wait_status(int wait_status);
  std::string describe() const;  // "exited with status 0", "killed by SIGSEGV", ...
  friend bool operator==(const ServerExit& a, const ServerExit& b) {
    return a.kind == b.kind && a.code == b.code;
  }
  friend std::ostream& operator<<(std::ostream& out, const ServerExit& exit) {
    return out << exit.describe();
  }
};

class ServerProcess {
 public:
  // Starts `program` with `arguments` and waits up to `startup_timeout` for its listening line.
  // `extra_environment` holds NAME=VALUE entries that are added to, or replace, this process's
  // environment for the server. Throws std::runtime_error, quoting the server's stderr, if the
  // line never comes or the process exits first; the process is killed before that.
  ServerProcess(const std::string& program, const std::vector<std::string>& arguments,
                const std::vector<std::string>& extra_environment = {},
                std::chrono::milliseconds startup_timeout = std::chrono::seconds(10));
  // Non-copyable and non-movable: exactly one object is responsible for reaping the process.
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  // The last resort: SIGKILL to the whole process group, then reap, so no test ever leaves a
  // server running (for example after a failed ASSERT skipped the test's own stop()).
  ~ServerProcess();

  pid_t pid() const { return pid_; }
  std::uint16_t port() const { return port_; }
  const std::string& program() const { return program_; }

  // True until the process has exited (a zombie counts as exited; it is reaped here).
  bool alive();

  // SIGTERM (or `signal_number`), then wait up to `timeout` for the exit. A server still running
  // then is killed with SIGKILL and reported as still_running, so a test can tell "did not stop"
  // from "crashed".
  ServerExit stop(int signal_number = SIGTERM,
                  std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Open descriptors, counted in /proc/PID/fd: a leak shows as a count that stays up after
  // the clients have gone.
  std::size_t open_fd_count() const;
  // CPU time used so far, user and system, all threads (/proc/PID/stat): a server waiting for
  // events uses almost none; one in a busy loop uses all it can get.
  std::chrono::milliseconds cpu_time() const;
  // VmRSS and VmHWM (the peak RSS so far) from /proc/PID/status, in bytes.
  std::size_t resident_bytes() const;
  std::size_t peak_resident_bytes() const;

  // What the server has written to stderr so far, for failure messages: all of it, or its last
  // `max_bytes` when it is longer (a flood of refused connections logs a line for each).
  std::string stderr_log(std::size_t max_bytes = 16 * 1024) const;

 private:
  void wait_for_listening_line(std::chrono::milliseconds timeout);
  bool wait_for_exit(std::chrono::milliseconds timeout);  // true once the process is reaped
  bool reap(int wait_flags);                              // true once the process is reaped
  void kill_group_and_reap();
  std::size_t status_field_bytes(std::string_view field) const;

  std::string program_;
  pid_t pid_ = -1;
  bool reaped_ = false;
  int wait_status_ = 0;
  std::uint16_t port_ = 0;
  Fd stdout_pipe_;  // read end of the server's stdout
  Fd stderr_file_;  // an unlinked temporary file holding the server's stderr
};

}  // namespace socklab::test
