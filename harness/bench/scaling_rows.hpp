// The rows of bench/results/scaling.csv (one per lab, idle count and repetition) and of
// scaling-median.csv (one per lab and idle count: median and spread over the repetitions).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/bench/csv_table.hpp"

namespace socklab::bench {

struct ScalingRow {
  std::string lab;
  std::size_t idle = 0;
  int repetition = 0;
  double requests_per_second = 0;
  double p99_us = 0;
  double cpu_us_per_request = -1;    // -1: nothing served
  double syscalls_per_request = -1;  // -1: not counted
  std::string syscall_counter;       // perf, strace, ""
  std::uint64_t rss_bytes = 0;
  int threads = 0;
  std::uint64_t requests = 0;
  std::uint64_t errors = 0;
  std::string note;  // "" for a clean point; else what went wrong, in words
  // False when the server dropped the idle crowd before or during the window (select past
  // FD_SETSIZE does): the window then measured fewer idle connections than the row says.
  bool idle_held = true;
  // Served: the idle connections stayed, replies came and no connection failed. Only served
  // points enter medians and plots.
  bool served() const {
    return idle_held && requests > 0 && errors == 0 && cpu_us_per_request >= 0;
  }
};

struct Spread {
  double median = 0, min = 0, max = 0;
  bool valid = false;  // false: no served repetition had this figure
};

struct ScalingSummary {
  std::string lab;
  std::size_t idle = 0;
  int served = 0, repetitions = 0;
  Spread requests_per_second, p99_us, cpu_us_per_request, syscalls_per_request, rss_bytes, threads;
  std::string note;  // the first repetition's note when none was served
};

CsvTable scaling_table(const std::vector<ScalingRow>& rows);
// Medians and spreads, model by model (in the order the labs first appear in `rows`), each
// model's idle counts in the order they first appear: a model's rows are then consecutive,
// so gnuplot draws its curve as one line (a row of another model between two would break it).
std::vector<ScalingSummary> summarize(const std::vector<ScalingRow>& rows);
CsvTable summary_table(const std::vector<ScalingSummary>& summaries);

}  // namespace socklab::bench
