// PinnedLoad: one `socklab load` run, as a separate process pinned to one core with taskset,
// read back from its --csv line. A separate process, so that the load generator's threads and
// memory never mix with the harness's, and its CPU time is its own.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace socklab::bench {

// The figures of one socklab load --csv line (see harness/load/load_report.hpp).
struct LoadFigures {
  double seconds = 0;
  std::uint64_t requests = 0;
  double requests_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
  double p999_us = 0;
  double max_us = 0;
  std::uint64_t errors = 0;
  std::string error_lines;  // what socklab load said on stderr about its errors; "" without
};

// Parses the two lines socklab load --csv prints; throws BenchError when they are not that.
LoadFigures parse_load_csv(const std::string& output);

// Runs `taskset -c CORE SOCKLAB load ARGUMENTS... --csv` and waits for it. Throws BenchError
// when it cannot start, exits 2 (the run could not be set up), or prints no CSV; a run with
// errors (exit 1) returns its figures, errors counted.
LoadFigures run_pinned_load(const std::filesystem::path& socklab, int core,
                            const std::vector<std::string>& arguments);

}  // namespace socklab::bench
