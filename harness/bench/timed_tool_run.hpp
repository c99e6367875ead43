// TimedToolRun: one run of a measuring tool (redis-benchmark, `redis-server --version`) as a
// supervised process with a deadline. redis-benchmark pointed at a port nobody listens on
// retries for ever at full speed, so every run has a timeout, and its whole process group is
// killed when the deadline passes or the harness gives up.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/process/supervised_process.hpp"

namespace socklab::bench {

struct ToolLaunch {
  std::filesystem::path program;  // a full path: execve does not search PATH
  std::vector<std::string> arguments;
  std::filesystem::path log_dir;  // NAME.stdout and NAME.stderr go here
  std::string log_name;
  int open_files = 65536;  // redis-benchmark -c 1000 holds 1000 sockets
};

struct TimedToolRun {
  bool timed_out = false;
  harness::ExitStatus status;
  std::string output;       // its stdout (the last 64 KiB or so)
  std::string stderr_tail;  // its last lines on stderr, for messages
  bool ok() const { return !timed_out && status.clean(); }
};

// Starts the tool, waits up to `timeout`, and stops it (SIGTERM, then SIGKILL) if it is still
// running then. Throws BenchError when it cannot even be started.
TimedToolRun run_tool_with_timeout(const ToolLaunch& launch, std::chrono::milliseconds timeout);

}  // namespace socklab::bench
