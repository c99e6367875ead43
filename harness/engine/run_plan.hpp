// Runs a list of scenarios on N worker threads. Each scenario has its own namespaces, server,
// port and capture, so parallel scenarios cannot see each other's packets.
#pragma once

#include <functional>
#include <vector>

#include "harness/engine/run_scenario.hpp"

namespace socklab::harness {

// Called (from worker threads, one call at a time) when a scenario starts and when it ends.
struct ProgressListener {
  std::function<void(const ScenarioJob&)> started;
  std::function<void(const ScenarioResult&, int done, int total)> finished;
};

// Results in the order of `jobs`. On Ctrl-C: stops starting scenarios, lets the running ones
// clean up, and returns what finished, with `interrupted` set.
std::vector<ScenarioResult> run_jobs(const std::vector<ScenarioJob>& jobs, const RunSettings& settings,
                                     int parallel, const ProgressListener& listener, bool& interrupted);

}  // namespace socklab::harness
