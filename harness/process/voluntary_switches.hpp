// How many times a process went to sleep: the sum over its threads of voluntary_ctxt_switches
// in /proc/PID/task/TID/status. A thread switches voluntarily when it blocks, for a server in
// epoll_wait (or poll, select, accept, read) with nothing to do.
//
// Every sleep costs a wake-up, and on loopback the wake-up is paid by whoever sent the data
// that ended it: the client's send() runs the server socket's receive path, which wakes the
// server's epoll_wait from the client's core. A server that sleeps more per request makes a
// client that is the bottleneck slower, however little CPU the server itself uses.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string_view>

namespace socklab::harness::detail {

// The voluntary_ctxt_switches figure of one status file; nullopt when it has none.
std::optional<std::uint64_t> parse_voluntary_switches(std::string_view status);

// The sum over every thread of `pid`; nullopt when the process is gone or the kernel shows no
// such line. A thread that ends between the listing and the read is not counted.
std::optional<std::uint64_t> voluntary_switches(pid_t pid);

}  // namespace socklab::harness::detail
