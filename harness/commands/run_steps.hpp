// The steps check, record and grade share: plan the jobs, prepare the process (namespaces,
// signals, limits), run and report.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/commands/run_labs.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/report/result.hpp"

namespace socklab::harness {

// Prints "socklab: MESSAGE" to stderr; returns 2, the exit status of a usage error.
int usage_error(const std::string& message);

// The manifests from --labs or socklab's own copy, read and checked before anything runs.
bool load_manifests(const CheckOptions& options);

// The jobs of a check: every chosen scenario of every chosen lab, with its program. Returns
// an exit status (2) with a message when the request cannot run, else 0 and fills `jobs`.
int plan_jobs(const CheckOptions& options, std::vector<ScenarioJob>& jobs);

// Namespaces, signals and limits, once per process: returns false (after saying why) when
// namespaces were asked for and cannot be made.
bool prepare_process(const CheckOptions& options, bool recording = false);

// The same for grading, which must give a grade wherever it runs: when namespaces cannot be
// made (a locked-down container) it turns to loopback (sets options.no_netns) and returns why;
// "" when the mode is the one asked for. `while_single_threaded` runs after the namespaces are
// entered and before the first thread starts (a new mount namespace needs that).
std::string prepare_process_or_loopback(CheckOptions& options,
                                        const std::function<void()>& while_single_threaded = {});

// Runs the jobs, printing progress and the summary; writes OUT/report.json (and --json).
RunReport run_planned(const std::vector<ScenarioJob>& jobs, const CheckOptions& options);

}  // namespace socklab::harness
