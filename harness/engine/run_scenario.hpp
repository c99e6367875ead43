// One scenario, start to finish: hosts, server, capture, the scenario body, the checks every
// scenario shares (server alive, descriptors released, clean exit on SIGTERM), clean-up.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/engine/labs.hpp"
#include "harness/report/result.hpp"

namespace socklab::harness {

struct RunSettings {
  bool use_netns = true;
  std::filesystem::path out_dir = "out";
  std::vector<std::string> extra_server_arguments;  // after `--` on socklab's command line
  std::uint64_t seed = 0x50c41ab;
  // traces/ : a failed scenario's wire is compared with <dir>/<lab>/<scenario>.trace when it
  // exists. Empty: no comparison.
  std::filesystem::path golden_dir;
  // Generous: a server under AddressSanitizer on a loaded 2-core machine starts in ~100 ms.
  std::chrono::milliseconds ready_timeout{5000};
  std::chrono::milliseconds stop_grace{3000};
};

struct ScenarioJob {
  const Lab* lab;
  const ScenarioSpec* spec;
  std::filesystem::path program;
};

// Throws Interrupted on Ctrl-C (after cleaning up); every other problem becomes the result.
ScenarioResult run_scenario(const ScenarioJob& job, const RunSettings& settings);

}  // namespace socklab::harness
