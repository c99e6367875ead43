// SupervisedProcess: the program under test, started inside a host's network namespace in its
// own process group, under resource limits, with its output in bounded log files. The harness
// never trusts it: it may never listen, listen on the wrong port, crash, spin, fork, or ignore
// SIGTERM, and every one of those becomes a verdict, never a hang or a stray process.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/sandbox/net_namespace.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

// Every limit is set in the child before exec, so it binds the program and all it starts.
// Zero means no limit of our own; every value is capped at the harness's own hard limit,
// which only a privileged process could raise.
struct ProcessLimits {
  int cpu_seconds = 120;                        // RLIMIT_CPU: a spinning server is stopped
  std::uint64_t address_space_bytes = 0;        // RLIMIT_AS; 0: unlimited (ASan reserves TiBs)
  // RLIMIT_DATA counts AddressSanitizer's shadow reservation (TiBs): an ASan build needs 0.
  // RLIMIT_DATA: heap and anonymous mappings, thread stacks included (8 MiB each by default), so
  // a thread-per-connection server with 500 clients needs about 4 GiB of it.
  std::uint64_t data_bytes = 8ull << 30;
  int open_files = 4096;                        // RLIMIT_NOFILE (soft and hard)
  std::uint64_t log_bytes = 16ull << 20;        // RLIMIT_FSIZE on the logs; writes past it fail
  // RLIMIT_NPROC: the tasks (processes and threads) of the program's user, so that a fork bomb
  // stops at a bound instead of filling the machine's process table (ForkWatch then kills it).
  // A thread-per-connection server with 200 clients in each of two parallel scenarios stays
  // well below it. Not enforced while the program is real root (drop_root makes sure it is not).
  int processes = 1024;
};

// A file or folder shown at another path to the program only: bound over `target` in a mount
// namespace of the program's own, so the harness's and every other process's view is unchanged.
struct BindMount {
  std::filesystem::path source;
  std::filesystem::path target;
};

struct LaunchSpec {
  std::filesystem::path program;
  std::vector<std::string> arguments;           // argv[1..]
  const NetNamespace* netns = nullptr;          // nullptr: the harness's own namespace
  std::filesystem::path stdout_log;
  std::filesystem::path stderr_log;
  ProcessLimits limits;
  // When the harness is real root, the program runs as nobody (65534) so that student code
  // never holds root; in a user namespace it already has no privilege outside it.
  bool drop_root = true;
  // In this order (a later one may land inside an earlier one); empty: the harness's own view.
  std::vector<BindMount> bind_mounts{};
  // NAME=VALUE entries on top of the harness's own environment.
  std::vector<std::string> extra_environment{};
};

// How a process ended, in words: "exited with status 0",
// "was killed by SIGSEGV (Segmentation fault), core dumped".
struct ExitStatus {
  bool exited = false;      // true: normal exit with `code`; false: killed by `signal`
  int code = 0;
  int signal = 0;
  bool core_dumped = false;
  std::string describe() const;
  bool clean() const { return exited && code == 0; }
};

struct Readiness {
  bool ready = false;
  std::string host;         // from "listening on HOST:PORT"
  std::uint16_t port = 0;
  std::string problem;      // when not ready: what happened instead, for the verdict
};

// Counters read from /proc/PID: what the process costs and holds at one moment.
struct ProcessFacts {
  double cpu_seconds = 0;   // user + system time, all threads
  int open_fds = 0;         // -1: /proc/PID/fd not readable by the harness
  std::uint64_t rss_bytes = 0;
  int threads = 0;
};

class SupervisedProcess {
 public:
  // fork + exec; throws std::runtime_error when it cannot even start (no such file, not
  // executable, exec format error), with the errno and the path.
  // The child is killed (PR_SET_PDEATHSIG) when the *thread* that launched it exits, not only
  // when the harness does: launch from a thread that outlives the process (a scenario's own
  // thread, or main), never from a short-lived helper thread.
  static SupervisedProcess launch(const LaunchSpec& spec);

  SupervisedProcess(SupervisedProcess&& other) noexcept;
  SupervisedProcess& operator=(SupervisedProcess&&) = delete;
  SupervisedProcess(const SupervisedProcess&) = delete;
  ~SupervisedProcess();  // kills the whole group if still running: nothing outlives the harness

  pid_t pid() const { return pid_; }

  // Waits for the "listening on HOST:PORT" line on stdout. Not ready when the timeout passes,
  // the process exits first, or the line is malformed; `problem` says which, with the last
  // lines of stderr.
  Readiness wait_until_listening(std::chrono::milliseconds timeout);

  // Notices, without blocking, whether the process has exited; true while it runs. The exit
  // status is recorded here, but the zombie is reaped only by stop() (or the destructor): until
  // then its pid, which is also its process group and session id, cannot be reused, so
  // signalling the group never reaches a stranger.
  bool alive();
  // True once the process has exited, waiting up to `patience` for it: a process that is
  // exiting closes its sockets (its clients see RST) a moment before it can be seen exited.
  bool exits_within(std::chrono::milliseconds patience) {
    return wait_for_exit(std::chrono::steady_clock::now() + patience);
  }
  // The exit status once it has ended.
  std::optional<ExitStatus> exit_status() const { return exit_status_; }

  // SIGSTOP / SIGCONT to the whole group: the program stops running, as a busy or descheduled
  // server would, while its kernel goes on completing handshakes and queueing bytes for it.
  void freeze();
  void thaw();

  // SIGTERM to the process group, up to `grace` for it to exit, then SIGKILL to the group and
  // to any descendant that left it. Returns how the main process ended and whether SIGKILL was
  // needed (a server that ignores SIGTERM breaks the contract). Calling it again returns the
  // same result.
  //
  // What is found and killed: the program runs in its own session (setsid), so every process
  // in that session or process group (setpgid cannot leave a session); every descendant still
  // linked by parent to the program or to one of those (even after its own setsid); and, when
  // the program ran in its own network namespace, every process the harness adopted as
  // subreaper that sits in that namespace in a session of its own. Not found: a process that
  // left the session, then lost its parent, while running in the harness's own namespace (a
  // daemon double fork launched without a netns): nothing left ties it to this program.
  struct StopResult {
    ExitStatus status;
    bool needed_sigkill = false;   // the main process was still running when `grace` ran out
    int descendants_killed = 0;    // other processes of the program still running then
  };
  StopResult stop(std::chrono::milliseconds grace);

  // Zeros once the process is gone. Counting descriptors lists /proc/PID/fd, which for a
  // server holding 10,000 connections costs milliseconds: a sampler in a tight loop skips it
  // (open_fds is then 0).
  ProcessFacts facts(bool count_descriptors = true) const;
  std::string stderr_tail(int max_lines = 10) const;
  std::string stdout_text() const;

 private:
  SupervisedProcess(pid_t pid, LaunchSpec spec, Fd pidfd, ino_t netns_inode);
  void record_exit(int wait_status);
  void record_exit(const siginfo_t& info);
  bool wait_for_exit(std::chrono::steady_clock::time_point deadline);  // false: deadline
  void reap();

  pid_t pid_ = -1;
  LaunchSpec spec_;
  // Readable once the process has exited (pidfd_open), so waits are events, not sleeps;
  // invalid on kernels before 5.3, where the waits poll instead.
  Fd pidfd_;
  // The network namespace the program runs in, when it is not the harness's own (0 then):
  // kept as an inode because the NetNamespace object may be gone by the time stop() runs.
  ino_t netns_inode_ = 0;
  std::optional<ExitStatus> exit_status_;
  std::optional<StopResult> stop_result_;  // set once the main process has been reaped
};

// The user (uid and gid) a program started with drop_root runs as; 65534 (nobody) unless set.
// A batch grade gives each student a user of their own, so that no student's program can read
// another's files or use up another's RLIMIT_NPROC. Set it before any launch.
void set_unprivileged_user(long id);
long unprivileged_user();

// Call once at start: the harness becomes the subreaper of everything it starts, so an
// orphaned grandchild is re-parented to it (and killed) rather than to init.
void become_subreaper();

}  // namespace socklab::harness
