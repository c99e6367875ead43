// How long each thread of a process has run on a CPU and waited in a run queue for one, as
// /proc/PID/task/TID/schedstat shows it (nanoseconds, kept by the scheduler itself).
//
// CPU time alone cannot tell a spinning server from a sleeping one on a loaded machine: a
// spinner that shares a core with ten other tasks gets a tenth of it. But a spinner never
// sleeps: it is on a CPU or queued for one for its whole life. A server that waits in
// epoll_wait is in neither while it waits.
#pragma once

#include <sys/types.h>

#include <map>
#include <optional>
#include <string_view>

namespace socklab::harness::detail {

struct RunTimes {
  unsigned long long on_cpu_ns = 0;     // field 1 of schedstat: time spent running
  unsigned long long run_queue_ns = 0;  // field 2: runnable, waiting for a CPU

  unsigned long long runnable_ns() const { return on_cpu_ns + run_queue_ns; }
};

using ThreadRunTimes = std::map<pid_t, RunTimes>;  // by thread id

// Parses "ON_CPU_NS RUN_QUEUE_NS TIMESLICES\n"; nullopt when it is not that.
std::optional<RunTimes> parse_schedstat(std::string_view text);

// Every thread of `pid`; nullopt when the process is gone or the kernel keeps no schedstat
// (CONFIG_SCHED_INFO off), so the caller falls back on CPU time alone.
std::optional<ThreadRunTimes> read_thread_run_times(pid_t pid);

// The thread that was runnable longest between `before` and `after` (a thread born in
// between counts from zero); nullopt when no thread appears in both or after.
struct BusiestThread {
  pid_t tid = 0;
  RunTimes during;
};
std::optional<BusiestThread> busiest_thread(const ThreadRunTimes& before,
                                            const ThreadRunTimes& after);

}  // namespace socklab::harness::detail
