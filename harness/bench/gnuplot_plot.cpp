#include "harness/bench/gnuplot_plot.hpp"

#include <chrono>

#include "harness/bench/tool_path.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::bench {

namespace fs = std::filesystem;

bool plot_with_gnuplot(const fs::path& script, std::string& why_not) {
  auto gnuplot = find_in_path("gnuplot");
  if (!gnuplot) {
    why_not =
        "plots need gnuplot (Debian: gnuplot-nox; scripts/install-deps bench); the CSV "
        "files are written, and `gnuplot " +
        script.filename().string() + "` in their folder draws them later";
    return false;
  }
  const fs::path folder = fs::absolute(script).parent_path();
  harness::LaunchSpec launch;
  // gnuplot resolves `set output` and data files from its working directory; `cd` first.
  launch.program = "/bin/sh";
  launch.arguments = {"-c",
                      "cd \"$1\" && exec \"$2\" \"$3\"",
                      "sh",
                      folder.string(),
                      gnuplot->string(),
                      fs::absolute(script).string()};
  launch.stdout_log = folder / ".gnuplot.stdout";
  launch.stderr_log = folder / ".gnuplot.stderr";
  launch.drop_root = false;
  harness::SupervisedProcess process = harness::SupervisedProcess::launch(launch);
  // A plot of a few hundred points takes well under a second; a minute means gnuplot is stuck.
  const bool finished = process.exits_within(std::chrono::seconds(60));
  const harness::SupervisedProcess::StopResult stopped = process.stop(std::chrono::seconds(1));
  const std::string errors = process.stderr_tail(10);
  std::error_code ignored;  // empty logs of a finished plot; harmless if one stays
  fs::remove(launch.stdout_log, ignored);
  fs::remove(launch.stderr_log, ignored);
  if (finished && stopped.status.clean()) return true;
  why_not = "gnuplot " + script.string() + " " +
            (finished ? stopped.status.describe() : std::string("did not finish in 60 s")) +
            (errors.empty() ? "" : ":\n" + errors);
  return false;
}

std::string gnuplot_quoted(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

}  // namespace socklab::bench
