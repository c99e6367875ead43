// Process checks: what the server process itself shows while peers misbehave, read from /proc.
// Each returns a Finding when the server fails it; the scenarios and the engine share them.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "harness/engine/finding.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/process/thread_run_times.hpp"

namespace socklab::harness {

// A server may open a descriptor or two lazily after its first client (a log file, a timer):
// that is not a leak. A leak of one descriptor per connection exceeds this in every scenario
// that closes more than two connections.
constexpr int kDescriptorTolerance = 2;

// Waits up to `within` for the server to hold at most `limit` open descriptors. `expected`
// says what should have closed, `since` since when ("after the last client closed"); nullopt
// if it did, or if the server died (the crash check reports that).
std::optional<Finding> descriptors_released(SupervisedProcess& server, int limit,
                                            std::chrono::milliseconds within,
                                            const std::string& expected, const std::string& since);

// A program ForkWatch killed for having `processes` processes, past its `bound`.
Finding fork_bomb(int processes, int bound);

// What a server used of the CPU over a waiting period of `wall_seconds`.
struct CpuUse {
  double cpu_seconds = 0;  // all threads, from /proc/PID/stat
  double wall_seconds = 0;
  // The thread that was runnable longest, from schedstat; nullopt where the kernel keeps none.
  std::optional<detail::BusiestThread> busiest_thread;
};

// A server waiting on its peers sleeps in the kernel. Over half a core of CPU is a busy loop;
// so is a thread that was runnable the whole time and got a fair share of a loaded machine.
// `during` says what was happening.
std::optional<Finding> busy_loop(const CpuUse& use, const std::string& during);

}  // namespace socklab::harness
