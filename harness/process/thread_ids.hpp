// The threads of a process, as /proc/PID/task lists them. Per-thread figures (schedstat, context
// switches) are kept by the kernel for each thread, not for the process as a whole.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace socklab::harness::detail {

// Every thread id of `pid`; nullopt when the process is gone (or /proc cannot be listed).
std::optional<std::vector<pid_t>> thread_ids(pid_t pid);

// /proc/PID/task/TID/NAME of every thread (its first `max_bytes`), by thread id. A thread that
// ends between the listing and the read is left out; nullopt when the process is gone.
using ThreadFiles = std::vector<std::pair<pid_t, std::string>>;
std::optional<ThreadFiles> read_thread_files(pid_t pid, const char* name, std::size_t max_bytes);

}  // namespace socklab::harness::detail
