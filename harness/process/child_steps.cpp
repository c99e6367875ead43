#include "harness/process/child_steps.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

// Older glibc headers lack it; the value is the kernel's, from <linux/close_range.h>.
#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

namespace socklab::harness::detail {
namespace {

[[noreturn]] void report_and_exit(const ChildPlan& plan, ChildStep step, int error) {
  ChildFailure failure{static_cast<int>(step), error};
  // If even this write fails nobody is left to tell; the parent then sees EOF, as after a
  // successful exec, and the exit status 127 right after.
  [[maybe_unused]] ssize_t written = ::write(plan.report_fd, &failure, sizeof failure);
  ::_exit(127);
}

// The program's own view of a few files (a scenario's /etc/hosts): a mount namespace of its
// own, made private first so that no mount made here propagates back to the harness's view.
bool make_bind_mounts(const ChildPlan& plan) {
  if (plan.bind_mount_count == 0) return true;
  if (::unshare(CLONE_NEWNS) != 0) return false;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  for (int i = 0; i < plan.bind_mount_count; ++i) {
    const ChildBindMount& bind = plan.bind_mounts[i];
    if (::mount(bind.source, bind.target, nullptr, MS_BIND | MS_REC, nullptr) != 0) return false;
  }
  return true;
}

bool redirect_stdio(const ChildPlan& plan) {
  // The sources are all above 2, so no dup2 here overwrites one that a later dup2 still needs;
  // dup2 clears close-on-exec on the copy.
  for (int target = 0; target < 3; ++target) {
    while (::dup2(plan.stdio[static_cast<std::size_t>(target)], target) < 0) {
      if (errno != EINTR) return false;
    }
  }
  return true;
}

// Every inherited descriptor above 2 (the harness's sockets, capture handles, other scenarios'
// logs) is marked close-on-exec rather than closed, so the report pipe stays open until the
// exec itself closes it.
bool close_inherited_on_exec(const ChildPlan& plan) {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return true;
  if (errno != ENOSYS && errno != EINVAL) return false;  // ENOSYS, EINVAL: Linux < 5.11
  for (int fd = 3; fd <= plan.highest_fd; ++fd) {
    // EBADF: that number is not open, which is the common case and fine.
    if (::fcntl(fd, F_SETFD, FD_CLOEXEC) < 0 && errno != EBADF) return false;
  }
  return true;
}

bool apply_limits(const ChildPlan& plan) {
  for (int i = 0; i < plan.limit_count; ++i) {
    const ResourceLimit& limit = plan.limits[static_cast<std::size_t>(i)];
    if (::setrlimit(limit.resource, &limit.value) != 0) return false;
  }
  return true;
}

// A handler does not survive exec, but an ignored disposition and the signal mask do: the
// harness blocks SIGINT, SIGTERM and SIGPIPE in its threads, and a server that inherited that
// would never see the SIGTERM asking it to stop.
void reset_signals() {
  struct sigaction action {};
  action.sa_handler = SIG_DFL;
  for (int signal_number = 1; signal_number < NSIG; ++signal_number) {
    // Fails (EINVAL) only for SIGKILL, SIGSTOP and the C library's internal real-time
    // signals, which cannot be changed and so need no reset.
    ::sigaction(signal_number, &action, nullptr);
  }
  // Writing past RLIMIT_FSIZE raises SIGXFSZ, which kills by default. Ignored, the write fails
  // with EFBIG instead, and a server that logs too much keeps serving with its log full.
  action.sa_handler = SIG_IGN;
  ::sigaction(SIGXFSZ, &action, nullptr);  // a valid signal and action: cannot fail
}

// Raw system calls: glibc's setuid() makes every other thread change its credentials too, with
// machinery that is not async-signal-safe. After fork this process has one thread, so the
// system call alone is all that is needed. Groups first: setgroups needs the root about to go.
bool drop_root(long id) {
  return ::syscall(SYS_setgroups, 0, nullptr) == 0 && ::syscall(SYS_setgid, id) == 0 &&
         ::syscall(SYS_setuid, id) == 0;
}

// SIGKILL when the thread that forked exits (the kernel ties it to the thread, not the
// process). Armed after drop_root because a change of credentials clears it.
bool arm_parent_death_signal(const ChildPlan& plan) {
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return false;
  // If the harness died before prctl, the signal will never come: we have a new parent.
  if (::getppid() != plan.parent) ::_exit(127);
  return true;
}

[[noreturn]] void run_child(const ChildPlan& plan) {
  // A new session, and with it a process group, both numbered by our pid: stop() signals the
  // group, and a descendant can leave the group (setpgid) but not the session.
  if (::setsid() < 0) report_and_exit(plan, ChildStep::kSession, errno);
  if (plan.netns_fd >= 0 && ::setns(plan.netns_fd, CLONE_NEWNET) != 0) {
    report_and_exit(plan, ChildStep::kNetns, errno);
  }
  // Before drop_root: a mount namespace takes CAP_SYS_ADMIN (in the harness's user namespace).
  if (!make_bind_mounts(plan)) report_and_exit(plan, ChildStep::kMounts, errno);
  if (!redirect_stdio(plan)) report_and_exit(plan, ChildStep::kStdio, errno);
  if (!close_inherited_on_exec(plan)) report_and_exit(plan, ChildStep::kCloseOnExec, errno);
  // Before drop_root: raising a hard limit (RLIMIT_NOFILE) needs CAP_SYS_RESOURCE.
  if (!apply_limits(plan)) report_and_exit(plan, ChildStep::kLimits, errno);
  reset_signals();
  if (plan.drop_root && !drop_root(plan.unprivileged_id)) report_and_exit(plan, ChildStep::kDropRoot, errno);
  if (!arm_parent_death_signal(plan)) report_and_exit(plan, ChildStep::kParentDeathSignal, errno);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // a valid `how`: cannot fail
  ::execve(plan.program, plan.argv, plan.envp);
  report_and_exit(plan, ChildStep::kExec, errno);
}

}  // namespace

pid_t fork_child(const ChildPlan& plan) {
  // Every signal blocked across fork: a harness signal handler must not run in the child
  // before the child has reset the dispositions. The child unblocks them just before exec.
  sigset_t all, previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_SETMASK, &all, &previous);  // a valid `how`: cannot fail
  pid_t pid = ::fork();
  if (pid == 0) run_child(plan);
  int fork_error = errno;
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  errno = fork_error;
  return pid;
}

const char* child_step_name(int step) {
  switch (static_cast<ChildStep>(step)) {
    case ChildStep::kSession:
      return "setsid";
    case ChildStep::kNetns:
      return "setns into the scenario's network namespace";
    case ChildStep::kMounts:
      return "bind-mounting the scenario's files (a mount namespace of the program's own)";
    case ChildStep::kStdio:
      return "dup2 of stdin, stdout or stderr";
    case ChildStep::kCloseOnExec:
      return "marking inherited descriptors close-on-exec";
    case ChildStep::kLimits:
      return "setrlimit";
    case ChildStep::kDropRoot:
      return "switching to user nobody";
    case ChildStep::kParentDeathSignal:
      return "prctl(PR_SET_PDEATHSIG)";
    case ChildStep::kExec:
      return "execve";
    case ChildStep::kReport:
      return "reading the child's start-up report";
  }
  return "an unknown start-up step";
}

}  // namespace socklab::harness::detail
