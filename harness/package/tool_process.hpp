// Running the two tools a package is made with, git (which files make up the kit) and tar
// (Autolab's autograde.tar), and reading what they print.
#pragma once

#include <string>
#include <vector>

namespace socklab::harness {

struct ToolRun {
  bool started = false;  // false: the program could not be started (not installed)
  int exit_code = -1;    // -1 when it was killed by a signal
  std::string output;    // its stdout, and its stderr when asked for
  bool ok() const { return started && exit_code == 0; }
};

// Runs argv[0] (looked up in PATH) with stdin from /dev/null and waits for it. Its stderr goes
// into `output` with `with_stderr`, else to /dev/null (git's ls-files -z output must stay clean).
ToolRun run_tool(const std::vector<std::string>& argv, bool with_stderr);

}  // namespace socklab::harness
