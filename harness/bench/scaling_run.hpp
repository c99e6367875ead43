// socklab bench scaling: every reference server at every idle count, repeated, alternating,
// into bench/results/scaling*.csv, scaling-*.svg and a section of bench/RESULTS.md.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace socklab::bench {

struct ScalingOptions {
  std::vector<std::string> labs = {"blocking", "select", "poll", "epoll-lt", "epoll-et"};
  std::vector<std::size_t> idle_counts = {0, 100, 1000, 5000, 10000};
  int repetitions = 3;
  double seconds = 1.5;  // each measured window
  double warmup_seconds = 0.5;
  std::filesystem::path out_dir = "bench/results";
  std::filesystem::path results_md = "bench/RESULTS.md";
  std::filesystem::path bin_dir;  // socklab and ref-LAB; the running socklab's folder
  std::string command;            // for the report
};

// Exit status: 0 every point measured (refusals such as select's past FD_SETSIZE are results,
// recorded as such); 2 a point could not be measured at all (said why, the rest still run).
int run_scaling(const ScalingOptions& options);

}  // namespace socklab::bench
