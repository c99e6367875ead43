// Runs a command as a user runs it, optionally inside socklab-locked-down, and reads back its
// exit status and output; and the namespace probe's report (namespace_probe.cpp).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <map>
#include <sstream>
#include <string>

#include "tests/support/command_run.hpp"

namespace socklab::testing {

using socklab::testing::CommandRun;
using socklab::testing::run_command;

inline std::string bin(const std::string& program) {
  return std::string(SOCKLAB_BIN_DIR) + "/" + program;
}

// The same command inside the simulated locked-down container.
inline CommandRun run_locked_down(const std::string& command) {
  return run_command(bin("socklab-locked-down") + " -- " + command);
}

// util-linux's unshare making a network namespace the way socklab does: directly as root,
// through a user namespace otherwise.
inline std::string unshare_command() {
  return ::geteuid() == 0 ? "unshare --net true" : "unshare --user --map-root-user --net true";
}

// Whether this machine lets a process make a network namespace at all.
inline bool namespaces_allowed_here() { return run_command(unshare_command()).exit_status == 0; }

// The flag that makes the test executable run the probe instead of the tests.
constexpr const char* kProbeFlag = "--namespace-probe";

// The probe's report, one "CALL OUTCOME" line per call: {"setns(CLONE_NEWNET)", "EPERM"}.
inline std::map<std::string, std::string> probe_outcomes(const std::string& output) {
  std::map<std::string, std::string> outcomes;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t space = line.rfind(' ');
    if (space != std::string::npos) outcomes[line.substr(0, space)] = line.substr(space + 1);
  }
  return outcomes;
}

}  // namespace socklab::testing
