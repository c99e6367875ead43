// The namespace probe: the test executable run with --namespace-probe makes each call that a
// locked-down container must refuse, and the ordinary ones it must still allow, directly
// through syscall() so that glibc neither adds nor hides anything, and prints one line per call:
// "clone(CLONE_NEWNET) EPERM", "fork() ok". Otherwise main() runs the tests.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>
#include <system_error>
#include <thread>

#include "net/errno_text.hpp"
#include "tests/lockdown/lockdown_run.hpp"

namespace {

// clone3()'s argument, version 0 (64 bytes), laid out as clone3(2) documents it.
struct CloneArgs {
  std::uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
};

std::string outcome(long result) { return result >= 0 ? "ok" : socklab::errno_name(errno); }

// After a clone() or clone3() that worked, the new child only proves it was made, and exits.
std::string child_outcome(long pid) {
  if (pid == 0) ::_exit(0);
  if (pid < 0) return socklab::errno_name(errno);
  while (::waitpid(static_cast<pid_t>(pid), nullptr, 0) < 0) {
    if (errno != EINTR) return "ok, but waitpid: " + socklab::errno_name(errno);
  }
  return "ok";
}

// glibc's pthread_create() tries clone3() first and falls back to clone() on ENOSYS.
std::string thread_outcome() {
  try {
    std::thread([] {}).join();
    return "ok";
  } catch (const std::system_error& error) {
    return socklab::errno_name(error.code().value());
  }
}

int run_namespace_probe() {
  // setns() on a bad descriptor: the kernel itself says EBADF before checking any permission,
  // so EPERM can only come from a filter.
  std::printf("setns(CLONE_NEWNET) %s\n", outcome(::syscall(SYS_setns, -1, CLONE_NEWNET)).c_str());
  std::printf("clone(CLONE_NEWNET) %s\n",
              child_outcome(::syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0)).c_str());
  std::printf("clone(CLONE_NEWUSER) %s\n",
              child_outcome(::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0)).c_str());
  CloneArgs plain{};
  plain.exit_signal = SIGCHLD;
  std::printf("clone3() %s\n", child_outcome(::syscall(SYS_clone3, &plain, sizeof plain)).c_str());
  std::printf("fork() %s\n", child_outcome(::fork()).c_str());
  std::printf("std::thread %s\n", thread_outcome().c_str());
  // Last: where they work, they move the probe into new namespaces.
  std::printf("unshare(CLONE_NEWNET) %s\n", outcome(::syscall(SYS_unshare, CLONE_NEWNET)).c_str());
  std::printf("unshare(CLONE_NEWUSER) %s\n",
              outcome(::syscall(SYS_unshare, CLONE_NEWUSER)).c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == socklab::testing::kProbeFlag)
    return run_namespace_probe();
  ::testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
