// The run's user namespace: what lets an ordinary user create network namespaces, veth pairs
// and nftables rules (CAP_NET_ADMIN inside it, nothing outside it).
#pragma once

#include <string>

namespace socklab::harness {

struct SandboxSupport {
  bool available = false;
  bool root = false;        // running as real root: no user namespace was needed
  std::string reason;       // when not available: what the kernel said, in plain words
  std::string remedy;       // when not available: how to enable it (sysctl, AppArmor, container flag)
};

// Call first in main(), while the process has one thread (unshare(CLONE_NEWUSER) refuses a
// multi-threaded process). As root: checks that a network namespace can be made. Otherwise:
// enters a new user namespace mapping the caller's uid and gid to 0, then checks the same.
SandboxSupport enter_sandbox();

}  // namespace socklab::harness
