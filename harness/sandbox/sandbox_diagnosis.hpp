// Why the sandbox could not be made, in the words a course's system administrator needs: the
// kernel's answer, the switch that caused it (read from this machine), and how to turn it on.
#pragma once

#include <string>

namespace socklab::harness {

struct SandboxFailure {
  std::string step;  // "unshare(CLONE_NEWUSER)", "write /proc/self/uid_map", ...
  int error = 0;     // its errno
};

// "unshare(CLONE_NEWUSER) failed: EPERM (Operation not permitted)", plus what that means here.
std::string describe_failure(const SandboxFailure& failure);

// One line per cause found on this machine (or checked and ruled out), each with its fix, and
// the fallback: --no-netns.
std::string suggest_remedy(const SandboxFailure& failure, bool root);

}  // namespace socklab::harness
