// Starting the program under test: fork, set the child up, exec. Everything the child needs is
// built before fork, because the harness has threads: between fork and exec the child may only
// make async-signal-safe calls (another thread may have held the malloc lock at fork time).
#pragma once

#include <sys/types.h>

#include "harness/process/supervised_process.hpp"

namespace socklab::harness::detail {

// True when the harness is root in the initial user namespace (uid_map is the identity), where
// the program must not keep root. Inside a user namespace, "root" holds nothing outside it.
bool runs_as_real_root();

// Forks and execs `spec.program` in a new session and process group (both numbered by its pid),
// inside `spec.netns`, under `spec.limits`, with stdin from /dev/null and stdout/stderr in the
// logs. Returns once the exec has succeeded. Throws std::runtime_error "cannot start PATH: ..."
// when any step fails, after reaping the child.
pid_t spawn_supervised(const LaunchSpec& spec);

}  // namespace socklab::harness::detail
