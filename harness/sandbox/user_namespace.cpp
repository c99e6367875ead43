#include "harness/sandbox/user_namespace.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <optional>
#include <system_error>

#include "harness/sandbox/net_namespace.hpp"
#include "harness/sandbox/proc_file.hpp"
#include "harness/sandbox/sandbox_diagnosis.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

namespace {

std::optional<SandboxFailure> write_map(const std::string& file, const std::string& line) {
  std::string path = "/proc/self/" + file;
  if (int error = write_proc_file(path, line)) return SandboxFailure{"write " + path, error};
  return std::nullopt;
}

// After unshare(CLONE_NEWUSER) the process holds every capability inside the new namespace,
// but its uid there is the overflow uid (65534) until a map says who it is. Mapping our own uid
// and gid to 0 needs no privilege outside, provided setgroups() is denied first: otherwise the
// mapped process could drop a supplementary group that a file's permissions deny it.
std::optional<SandboxFailure> enter_user_namespace() {
  uid_t uid = ::geteuid();
  gid_t gid = ::getegid();
  if (::unshare(CLONE_NEWUSER) != 0) return SandboxFailure{"unshare(CLONE_NEWUSER)", errno};
  if (auto failure = write_map("setgroups", "deny")) return failure;
  if (auto failure = write_map("uid_map", "0 " + std::to_string(uid) + " 1\n")) return failure;
  if (auto failure = write_map("gid_map", "0 " + std::to_string(gid) + " 1\n")) return failure;
  return std::nullopt;
}

// setns() into a network namespace needs CAP_SYS_ADMIN over the user namespace that owns it,
// and the host's namespace is owned by the host's user namespace, where we have nothing: once a
// thread left it, it could never come back. So the whole process moves first into a namespace
// of its own (every later thread starts there), which our user namespace owns.
std::optional<SandboxFailure> move_process_to_own_net_namespace() {
  if (::unshare(CLONE_NEWNET) != 0) return SandboxFailure{"unshare(CLONE_NEWNET)", errno};
  return std::nullopt;
}

// The operation every scenario needs: make a namespace and bring the thread back.
std::optional<SandboxFailure> try_net_namespace_round_trip() {
  try {
    NetNamespace probe = NetNamespace::create();
  } catch (const std::system_error& error) {
    return SandboxFailure{"create a network namespace (unshare(CLONE_NEWNET), then setns back)",
                          error.code().value()};
  }
  return std::nullopt;
}

// The user-namespace route, in order; the first failure is returned.
std::optional<SandboxFailure> enter_user_and_net_namespaces() {
  if (auto failure = enter_user_namespace()) return failure;
  if (auto failure = move_process_to_own_net_namespace()) return failure;
  return try_net_namespace_round_trip();
}

// A user namespace cannot be left. One entered without a uid map (what Ubuntu's AppArmor
// restriction leaves behind) makes the process the overflow user, unable even to create files,
// and the loopback-only fallback would then fail too. So a forked child tries first; only if it
// succeeds does the process itself follow. The child reports "ok" or "ERRNO STEP" on a pipe.
std::optional<SandboxFailure> rehearse_in_child() {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) return SandboxFailure{"pipe2", errno};
  Fd from_child(ends[0]), to_parent(ends[1]);
  pid_t child = ::fork();
  if (child < 0) return SandboxFailure{"fork", errno};
  if (child == 0) {
    std::optional<SandboxFailure> failure = enter_user_and_net_namespaces();
    std::string report = failure ? std::to_string(failure->error) + " " + failure->step : "ok";
    // A short or failed write reaches the parent as a truncated report, which it rejects.
    [[maybe_unused]] ssize_t written = ::write(to_parent.get(), report.data(), report.size());
    ::_exit(0);
  }
  to_parent.reset();  // so that the parent's read sees EOF when the child exits
  std::string report;
  char chunk[256];
  for (;;) {
    ssize_t got = ::read(from_child.get(), chunk, sizeof chunk);
    if (got > 0) report.append(chunk, static_cast<std::size_t>(got));
    if (got == 0) break;
    if (got < 0 && errno != EINTR) return SandboxFailure{"read the rehearsal's report", errno};
  }
  while (::waitpid(child, nullptr, 0) < 0) {
    if (errno != EINTR) return SandboxFailure{"waitpid for the rehearsal", errno};
  }
  if (report == "ok") return std::nullopt;
  std::size_t space = report.find(' ');
  if (space == std::string::npos) return SandboxFailure{"rehearse in a child process", EIO};
  return SandboxFailure{report.substr(space + 1), std::atoi(report.c_str())};
}

std::optional<SandboxFailure> rehearse_then_enter() {
  if (auto failure = rehearse_in_child()) return failure;
  return enter_user_and_net_namespaces();
}

SandboxSupport unavailable(const SandboxFailure& failure, bool root) {
  SandboxSupport support;
  support.root = root;
  support.reason = describe_failure(failure);
  support.remedy = suggest_remedy(failure, root);
  return support;
}

}  // namespace

SandboxSupport enter_sandbox() {
  bool root = ::geteuid() == 0;
  if (!root) {
    if (auto failure = rehearse_then_enter()) return unavailable(*failure, root);
    return SandboxSupport{true, false, "", ""};
  }
  std::optional<SandboxFailure> as_root = try_net_namespace_round_trip();
  if (!as_root) return SandboxSupport{true, true, "", ""};
  // Root in a container usually lacks CAP_SYS_ADMIN (EPERM); a user namespace can still grant
  // it there if the container allows unshare(CLONE_NEWUSER). Any other error is final.
  if (as_root->error != EPERM || rehearse_then_enter()) return unavailable(*as_root, root);
  return SandboxSupport{true, false, "", ""};
}

}  // namespace socklab::harness
