// The TCP settings every scenario runs under. A new network namespace starts from kernel
// defaults (some copied from the host), so they are written explicitly: a verdict must not
// depend on how the grader's machine happens to be tuned.
#pragma once

#include <map>
#include <string>

namespace socklab::harness {

// name (as under /proc/sys, e.g. "net/ipv4/tcp_syn_retries") -> value written.
const std::map<std::string, std::string>& pinned_tcp_sysctls();

// Writes pinned_tcp_sysctls() into the namespace the calling thread is in; throws on failure.
void pin_tcp_sysctls();

// Reads the same keys in the namespace the calling thread is in (for the report), plus
// net/ipv4/tcp_congestion_control, which is pinned to cubic only where the host allows it.
std::map<std::string, std::string> read_tcp_sysctls();

}  // namespace socklab::harness
