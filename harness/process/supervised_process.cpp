#include "harness/process/supervised_process.hpp"

#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <thread>
#include <utility>

#include "harness/process/child_spawn.hpp"
#include "harness/process/process_tree.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The destructor runs on error paths (a failed test, an exception in a scenario): a short
// grace still lets a well-behaved server exit cleanly.
constexpr milliseconds kDestructorGrace(100);
// Without a pidfd (Linux < 5.3) an exit can only be noticed by asking again.
constexpr milliseconds kExitPollInterval(5);

// 0 when `netns` is null or is the harness's own namespace: then it tells no process apart.
ino_t netns_inode_of(const NetNamespace* netns) {
  if (netns == nullptr) return 0;
  struct stat target {};
  struct stat own {};
  if (::fstat(netns->fd(), &target) != 0) throw_errno("fstat of the network namespace", errno);
  if (::stat("/proc/self/ns/net", &own) != 0) throw_errno("stat /proc/self/ns/net", errno);
  return target.st_ino == own.st_ino ? 0 : target.st_ino;
}

int milliseconds_until(SteadyClock::time_point deadline) {
  auto left = std::chrono::ceil<milliseconds>(deadline - SteadyClock::now()).count();
  return static_cast<int>(std::clamp<milliseconds::rep>(left, 0, 60'000));
}

}  // namespace

SupervisedProcess SupervisedProcess::launch(const LaunchSpec& spec) {
  ino_t netns_inode = netns_inode_of(spec.netns);  // before fork: nothing may throw after it
  pid_t pid = detail::spawn_supervised(spec);
  detail::register_supervised(pid);
  return SupervisedProcess(pid, spec, detail::open_pidfd(pid), netns_inode);
}

SupervisedProcess::SupervisedProcess(pid_t pid, LaunchSpec spec, Fd pidfd, ino_t netns_inode)
    : pid_(pid), spec_(std::move(spec)), pidfd_(std::move(pidfd)), netns_inode_(netns_inode) {
  spec_.netns = nullptr;  // the caller's object may not outlive us; netns_inode_ is what we keep
}

SupervisedProcess::SupervisedProcess(SupervisedProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      spec_(std::move(other.spec_)),
      pidfd_(std::move(other.pidfd_)),
      netns_inode_(other.netns_inode_),
      exit_status_(std::move(other.exit_status_)),
      stop_result_(std::move(other.stop_result_)) {}

SupervisedProcess::~SupervisedProcess() {
  if (pid_ <= 0 || stop_result_) return;
  try {
    stop(kDestructorGrace);
  } catch (...) {
    // Only an allocation or /proc failure can get here; a destructor must not throw, and the
    // process still dies with us through PR_SET_PDEATHSIG.
  }
}

bool SupervisedProcess::alive() {
  if (exit_status_) return false;
  siginfo_t info{};
  int result;
  // WNOWAIT: look, but leave the zombie, so its pid (the group and session id) stays reserved
  // until stop() has killed everything else in them.
  do {
    result = ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT);
  } while (result != 0 && errno == EINTR);
  if (result != 0) {
    exit_status_ = ExitStatus{};  // ECHILD: another waitpid() reaped it (a harness bug)
    return false;
  }
  if (info.si_pid == 0) return true;
  record_exit(info);
  return false;
}

bool SupervisedProcess::wait_for_exit(SteadyClock::time_point deadline) {
  while (alive()) {
    if (SteadyClock::now() >= deadline) return false;
    if (pidfd_) {
      pollfd exit_event{pidfd_.get(), POLLIN, 0};
      // EINTR: look again; other errors cannot happen with one valid descriptor.
      ::poll(&exit_event, 1, milliseconds_until(deadline));
    } else {
      std::this_thread::sleep_for(
          std::min<SteadyClock::duration>(kExitPollInterval, deadline - SteadyClock::now()));
    }
  }
  return true;
}

void SupervisedProcess::reap() {
  int status = 0;
  pid_t result;
  // Called only after SIGKILL has been sent to the process, so this does not wait long.
  do {
    result = ::waitpid(pid_, &status, 0);
  } while (result < 0 && errno == EINTR);
  if (result == pid_) {
    record_exit(status);
  } else if (!exit_status_) {
    exit_status_ = ExitStatus{};  // ECHILD: reaped elsewhere
  }
  detail::unregister_supervised(pid_);
  pidfd_.reset();
}

void SupervisedProcess::record_exit(int wait_status) {
  ExitStatus status;
  status.exited = WIFEXITED(wait_status);
  status.code = status.exited ? WEXITSTATUS(wait_status) : 0;
  status.signal = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  status.core_dumped = WIFSIGNALED(wait_status) && WCOREDUMP(wait_status);
  exit_status_ = status;
}

void SupervisedProcess::record_exit(const siginfo_t& info) {
  ExitStatus status;
  status.exited = info.si_code == CLD_EXITED;
  status.code = status.exited ? info.si_status : 0;
  status.signal = status.exited ? 0 : info.si_status;
  status.core_dumped = info.si_code == CLD_DUMPED;
  exit_status_ = status;
}

void become_subreaper() {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) throw_errno("prctl(PR_SET_CHILD_SUBREAPER)", errno);
}

}  // namespace socklab::harness
