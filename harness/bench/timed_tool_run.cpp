#include "harness/bench/timed_tool_run.hpp"

#include <exception>

#include "harness/bench/bench_error.hpp"

namespace socklab::bench {

TimedToolRun run_tool_with_timeout(const ToolLaunch& launch, std::chrono::milliseconds timeout) {
  harness::LaunchSpec spec;
  spec.program = launch.program;
  spec.arguments = launch.arguments;
  spec.stdout_log = launch.log_dir / (launch.log_name + ".stdout");
  spec.stderr_log = launch.log_dir / (launch.log_name + ".stderr");
  spec.limits.open_files = launch.open_files;
  // A measuring tool is ours, not a student's: it runs as the caller.
  spec.drop_root = false;
  std::optional<harness::SupervisedProcess> process;
  try {
    process.emplace(harness::SupervisedProcess::launch(spec));
  } catch (const std::exception& error) {
    throw BenchError("could not start " + launch.program.string() + ": " + error.what());
  }
  TimedToolRun run;
  run.timed_out = !process->exits_within(timeout);
  // A tool still running gets SIGTERM, and SIGKILL a second later; one that has exited is
  // only reaped here.
  harness::SupervisedProcess::StopResult stopped = process->stop(std::chrono::seconds(1));
  run.status = stopped.status;
  run.output = process->stdout_text();
  run.stderr_tail = process->stderr_tail(5);
  return run;
}

}  // namespace socklab::bench
