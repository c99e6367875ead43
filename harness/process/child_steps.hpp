// The child's side of fork: what runs between fork and exec. Only async-signal-safe calls are
// allowed there (the harness has threads, and fork copies only the calling one: a lock another
// thread held, malloc's included, stays locked forever in the child), so the parent prepares
// a ChildPlan of plain pointers and numbers, and the child only makes system calls.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <array>

namespace socklab::harness::detail {

// The step of the child's set-up that failed, sent to the parent with its errno.
enum class ChildStep : int {
  kSession,
  kNetns,
  kMounts,
  kStdio,
  kCloseOnExec,
  kLimits,
  kDropRoot,
  kParentDeathSignal,
  kExec,
  kReport,  // the parent could not read the report (not sent by the child)
};

struct ChildFailure {
  int step = 0;
  int error = 0;
};

struct ResourceLimit {
  int resource = 0;
  rlimit value{};
};

struct ChildBindMount {
  const char* source = nullptr;
  const char* target = nullptr;
};

struct ChildPlan {
  const char* program = nullptr;
  char* const* argv = nullptr;
  char* const* envp = nullptr;
  std::array<int, 3> stdio{};  // the descriptors to become 0, 1, 2; all above 2
  int netns_fd = -1;           // -1: stay in the harness's network namespace
  const ChildBindMount* bind_mounts = nullptr;  // made in a new mount namespace, in order
  int bind_mount_count = 0;
  int report_fd = -1;          // close-on-exec pipe: a ChildFailure, or EOF when exec succeeds
  int highest_fd = 0;          // the last descriptor to mark close-on-exec without close_range
  std::array<ResourceLimit, 7> limits{};
  int limit_count = 0;
  bool drop_root = false;  // become the unprivileged user (nobody, 65534:65534) before exec
  long unprivileged_id = 65534;  // its uid and gid
  pid_t parent = 0;        // the harness's pid, to notice that it died before PDEATHSIG
};

// Forks; the child follows `plan` and execs or reports a failure and _exits. Returns the
// child's pid, or -1 with errno set when fork fails.
pid_t fork_child(const ChildPlan& plan);

// "setsid", "setns into the network namespace", ... for a ChildFailure's step.
const char* child_step_name(int step);

}  // namespace socklab::harness::detail
