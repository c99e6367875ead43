#include "tests/support/server_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "net/errno_text.hpp"

extern char** environ;

namespace socklab::test {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

int remaining_ms(SteadyClock::time_point deadline) {
  auto left = std::chrono::ceil<milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::max<milliseconds::rep>(left, 0));
}

// The server's stderr goes to a file, not a pipe: nobody drains a pipe while a test runs, and a
// server that logs one line per refused connection would fill the 64 KiB pipe and block in
// write(2). The file is unlinked at once, so nothing is left behind however the test ends.
Fd open_unlinked_temporary_file() {
  std::string path = (std::filesystem::temp_directory_path() / "socklab-server-stderr-XXXXXX");
  Fd file(::mkostemp(path.data(), O_CLOEXEC));
  if (!file) throw_errno("mkostemp " + path, errno);
  if (::unlink(path.c_str()) != 0) throw_errno("unlink " + path, errno);
  return file;
}

// This process's environment, less the variables `extra` replaces, plus those: an envp array
// that points into `environ` and `extra`.
std::vector<char*> environment_with(const std::vector<std::string>& extra) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=') + 1); };
  std::vector<char*> envp;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    bool replaced = std::any_of(extra.begin(), extra.end(), [&](const std::string& variable) {
      return name_of(variable) == name_of(*entry);
    });
    if (!replaced) envp.push_back(*entry);
  }
  for (const std::string& variable : extra) envp.push_back(const_cast<char*>(variable.c_str()));
  envp.push_back(nullptr);
  return envp;
}

// posix_spawn is fork + exec done safely in a process that may have threads, and it reports a
// failed exec (a missing binary) as its own return value.
pid_t spawn_in_own_process_group(const std::string& program,
                                 const std::vector<std::string>& arguments,
                                 const std::vector<std::string>& extra_environment, int stdout_fd,
                                 int stderr_fd) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(program.c_str()));
  for (const std::string& argument : arguments) argv.push_back(const_cast<char*>(argument.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp = environment_with(extra_environment);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, stderr_fd, STDERR_FILENO);

  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  // Its own process group, so the last-resort SIGKILL reaches anything the server started too.
  // Signals back to their defaults and unblocked: a test run started in the background may
  // have SIGINT ignored, and an ignored signal never reaches the server's signalfd.
  sigset_t no_signals;
  sigemptyset(&no_signals);
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  for (int signal_number : {SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGPIPE}) {
    sigaddset(&stop_signals, signal_number);
  }
  posix_spawnattr_setpgroup(&attributes, 0);
  posix_spawnattr_setsigmask(&attributes, &no_signals);
  posix_spawnattr_setsigdefault(&attributes, &stop_signals);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), envp.data());
  posix_spawnattr_destroy(&attributes);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw_errno("posix_spawn " + program, rc);
  return pid;
}

}  // namespace

std::string reference_server_path(std::string_view bin_dir, std::string_view lab) {
  return std::string(bin_dir) + "/ref-" + std::string(lab);
}

std::string test_name_for_lab(std::string_view lab) {
  std::string name(lab);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

ServerExit ServerExit::from_wait_status(int wait_status) {
  if (WIFEXITED(wait_status)) return {Kind::exited, WEXITSTATUS(wait_status)};
  if (WIFSIGNALED(wait_status)) return {Kind::killed_by_signal, WTERMSIG(wait_status)};
  return {};
}

std::string ServerExit::describe() const {
  switch (kind) {
    case Kind::exited:
      return "exited with status " + std::to_string(code);
    case Kind::killed_by_signal: {
      const char* name = ::sigabbrev_np(code);
      return "killed by " + (name ? "SIG" + std::string(name) : "signal " + std::to_string(code));
    }
    case Kind::still_running:
      break;
  }
  return "still running (did not exit in time; killed with SIGKILL)";
}

ServerProcess::ServerProcess(const std::string& program, const std::vector<std::string>& arguments,
                             const std::vector<std::string>& extra_environment,
                             milliseconds startup_timeout)
    : program_(program), stderr_file_(open_unlinked_temporary_file()) {
  int pipe_ends[2];
  if (::pipe2(pipe_ends, O_CLOEXEC) != 0) throw_errno("pipe2", errno);
  stdout_pipe_ = Fd(pipe_ends[0]);
  Fd stdout_write_end(pipe_ends[1]);
  pid_ = spawn_in_own_process_group(program, arguments, extra_environment, stdout_write_end.get(),
                                    stderr_file_.get());
  // Only the child may hold the write end: then the pipe reports EOF as soon as the child exits.
  stdout_write_end.reset();
  try {
    wait_for_listening_line(startup_timeout);
  } catch (...) {
    kill_group_and_reap();  // the destructor does not run when the constructor throws
    throw;
  }
}

ServerProcess::~ServerProcess() {
  try {
    kill_group_and_reap();
  } catch (const std::exception&) {
    // kill and waitpid on our own child fail only if the pid is not ours any more: there is
    // nothing left to clean up, and a destructor must not throw.
  }
}

void ServerProcess::wait_for_listening_line(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  std::string output;
  auto failure = [&](const std::string& what) {
    return std::runtime_error(program_ + " (pid " + std::to_string(pid_) + ") " + what +
                              "; its stdout so far: '" + output + "'; its stderr:\n" +
                              stderr_log());
  };
  while (output.find('\n') == std::string::npos) {
    pollfd ready{stdout_pipe_.get(), POLLIN, 0};
    int rc = ::poll(&ready, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw_errno("poll", errno);
    if (rc == 0) {
      throw failure("did not print 'listening on HOST:PORT' within " +
                    std::to_string(timeout.count()) + " ms");
    }
    char chunk[256];
    ssize_t n = ::read(stdout_pipe_.get(), chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno("read from the server's stdout", errno);
    if (n == 0) {
      // stdout closed: the process has exited (or is about to); say how.
      std::string how = wait_for_exit(std::chrono::seconds(5))
                            ? ServerExit::from_wait_status(wait_status_).describe()
                            : std::string("closed its stdout");
      throw failure(how + " before printing 'listening on HOST:PORT'");
    }
    output.append(chunk, static_cast<std::size_t>(n));
  }
  std::string line = output.substr(0, output.find('\n'));
  const std::string prefix = "listening on ";
  std::size_t colon = line.rfind(':');
  if (line.rfind(prefix, 0) != 0 || colon == std::string::npos || colon < prefix.size()) {
    throw failure("printed a first line that is not 'listening on HOST:PORT'");
  }
  std::string port_text = line.substr(colon + 1);
  char* end = nullptr;
  long port = std::strtol(port_text.c_str(), &end, 10);
  if (port_text.empty() || *end != '\0' || port <= 0 || port > 65535) {
    throw failure("announced an invalid port '" + port_text + "'");
  }
  port_ = static_cast<std::uint16_t>(port);
}

bool ServerProcess::reap(int wait_flags) {
  if (reaped_) return true;
  for (;;) {
    pid_t rc = ::waitpid(pid_, &wait_status_, wait_flags);
    if (rc == pid_) return reaped_ = true;
    if (rc == 0) return false;  // WNOHANG: still running
    if (errno == EINTR) continue;
    throw_errno("waitpid " + std::to_string(pid_), errno);
  }
}

bool ServerProcess::wait_for_exit(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  // A pidfd becomes readable when the process exits, so the exit is an event poll can wait for.
  // pidfd_open has no glibc wrapper before 2.36 (Ubuntu 22.04 has 2.35): use the system call.
  Fd process(static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0)));
  while (!reap(WNOHANG)) {
    int left = remaining_ms(deadline);
    if (left == 0) return false;
    if (process) {
      pollfd exited{process.get(), POLLIN, 0};
      if (::poll(&exited, 1, left) < 0 && errno != EINTR) throw_errno("poll(pidfd)", errno);
    } else {
      // Kernels before 5.3 have no pidfd (ENOSYS): look again every 5 ms instead.
      std::this_thread::sleep_for(milliseconds(std::min(left, 5)));
    }
  }
  return true;
}

void ServerProcess::kill_group_and_reap() {
  if (reaped_) return;
  // The group id is the server's pid (setpgroup 0), and it cannot be reused before we reap it.
  if (::kill(-pid_, SIGKILL) != 0 && errno != ESRCH) throw_errno("kill(SIGKILL)", errno);
  reap(0);
}

bool ServerProcess::alive() { return !reap(WNOHANG); }

ServerExit ServerProcess::stop(int signal_number, milliseconds timeout) {
  if (!reaped_ && ::kill(pid_, signal_number) != 0) throw_errno("kill", errno);
  if (wait_for_exit(timeout)) return ServerExit::from_wait_status(wait_status_);
  kill_group_and_reap();
  return {};
}

std::size_t ServerProcess::open_fd_count() const {
  std::size_t count = 0;
  for ([[maybe_unused]] const auto& entry :
       std::filesystem::directory_iterator("/proc/" + std::to_string(pid_) + "/fd")) {
    ++count;
  }
  return count;
}

milliseconds ServerProcess::cpu_time() const {
  std::string path = "/proc/" + std::to_string(pid_) + "/stat";
  std::ifstream stat(path);
  std::string line;
  std::getline(stat, line);
  // "PID (COMM) STATE PPID ...": COMM may hold spaces and parentheses, so the fields are
  // counted from the last ')'. utime and stime are fields 14 and 15, in clock ticks.
  std::size_t after_comm = line.rfind(')');
  if (after_comm == std::string::npos) throw std::runtime_error("cannot parse " + path);
  std::istringstream fields(line.substr(after_comm + 1));
  std::string skipped;
  for (int field = 3; field < 14; ++field) fields >> skipped;
  unsigned long long user_ticks = 0;
  unsigned long long system_ticks = 0;
  if (!(fields >> user_ticks >> system_ticks)) throw std::runtime_error("cannot parse " + path);
  return milliseconds((user_ticks + system_ticks) * 1000 / ::sysconf(_SC_CLK_TCK));
}

std::size_t ServerProcess::status_field_bytes(std::string_view field) const {
  std::string path = "/proc/" + std::to_string(pid_) + "/status";
  std::ifstream status(path);
  std::string line;
  while (std::getline(status, line)) {
    // For example "VmRSS:\t    3424 kB".
    if (line.rfind(std::string(field) + ":", 0) == 0) {
      return std::stoull(line.substr(field.size() + 1)) * 1024;
    }
  }
  throw std::runtime_error("no " + std::string(field) + " line in " + path);
}

std::size_t ServerProcess::resident_bytes() const { return status_field_bytes("VmRSS"); }
std::size_t ServerProcess::peak_resident_bytes() const { return status_field_bytes("VmHWM"); }

std::string ServerProcess::stderr_log(std::size_t max_bytes) const {
  std::string log;
  char chunk[4096];
  for (off_t offset = 0;;) {
    // pread: the server shares this file's offset, so reading must not depend on it.
    ssize_t n = ::pread(stderr_file_.get(), chunk, sizeof chunk, offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return log + "\n[reading the log failed: " + errno_text(errno) + "]";
    if (n == 0) break;
    log.append(chunk, static_cast<std::size_t>(n));
    offset += n;
  }
  if (log.size() <= max_bytes) return log;
  return "[... first " + std::to_string(log.size() - max_bytes) + " bytes cut ...]\n" +
         log.substr(log.size() - max_bytes);
}

}  // namespace socklab::test
