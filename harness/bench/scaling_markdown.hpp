// The generated section of bench/RESULTS.md for bench scaling: medians and spreads per model
// and idle count, and the derived figures a reader wants first.
#pragma once

#include <string>
#include <vector>

#include "harness/bench/machine_facts.hpp"
#include "harness/bench/scaling_rows.hpp"

namespace socklab::bench {

struct ScalingContext {
  std::string command;  // as the user would type it again
  MachineFacts machine;
  int repetitions = 0;
  double seconds = 0;           // of each measured window
  std::string syscall_counter;  // "perf", "strace", or "" when none could count
  std::string results_folder;   // where scaling.csv and the plots are, as the user named it
};

std::string scaling_markdown(const std::vector<ScalingSummary>& summaries,
                             const ScalingContext& context);

}  // namespace socklab::bench
