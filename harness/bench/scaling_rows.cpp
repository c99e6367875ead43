#include "harness/bench/scaling_rows.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace socklab::bench {
namespace {

std::string number(double value, int decimals) {
  return value < 0 ? "" : fmt::format("{:.{}f}", value, decimals);
}

Spread spread_of(std::vector<double> values) {
  Spread spread;
  values.erase(std::remove_if(values.begin(), values.end(), [](double v) { return v < 0; }),
               values.end());
  if (values.empty()) return spread;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  spread.median = n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
  spread.min = values.front();
  spread.max = values.back();
  spread.valid = true;
  return spread;
}

void add_spread(std::vector<std::string>& row, const Spread& spread, int decimals) {
  for (double value : {spread.median, spread.min, spread.max})
    row.push_back(spread.valid ? number(value, decimals) : "");
}

}  // namespace

CsvTable scaling_table(const std::vector<ScalingRow>& rows) {
  CsvTable table;
  table.columns = {"lab",
                   "idle",
                   "repetition",
                   "requests_per_second",
                   "p99_us",
                   "cpu_us_per_request",
                   "syscalls_per_request",
                   "syscall_counter",
                   "rss_bytes",
                   "threads",
                   "requests",
                   "errors",
                   "idle_held",
                   "note"};
  for (const ScalingRow& row : rows) {
    table.rows.push_back({row.lab, std::to_string(row.idle), std::to_string(row.repetition),
                          number(row.requests_per_second, 1), number(row.p99_us, 1),
                          number(row.cpu_us_per_request, 2), number(row.syscalls_per_request, 2),
                          row.syscall_counter, std::to_string(row.rss_bytes),
                          std::to_string(row.threads), std::to_string(row.requests),
                          std::to_string(row.errors), row.idle_held ? "yes" : "no", row.note});
  }
  return table;
}

std::vector<ScalingSummary> summarize(const std::vector<ScalingRow>& rows) {
  std::vector<ScalingSummary> summaries;
  for (const ScalingRow& row : rows) {
    auto same = [&](const ScalingSummary& s) { return s.lab == row.lab && s.idle == row.idle; };
    if (std::find_if(summaries.begin(), summaries.end(), same) != summaries.end()) continue;
    ScalingSummary summary;
    summary.lab = row.lab;
    summary.idle = row.idle;
    std::vector<double> rps, p99, cpu, calls, rss, threads;
    for (const ScalingRow& each : rows) {
      if (each.lab != row.lab || each.idle != row.idle) continue;
      ++summary.repetitions;
      if (!each.served()) {
        if (summary.note.empty()) summary.note = each.note;
        continue;
      }
      ++summary.served;
      rps.push_back(each.requests_per_second);
      p99.push_back(each.p99_us);
      cpu.push_back(each.cpu_us_per_request);
      calls.push_back(each.syscalls_per_request);
      rss.push_back(static_cast<double>(each.rss_bytes));
      threads.push_back(each.threads);
    }
    // A figure is for the record only when every repetition served: a model that refuses
    // now and then at this idle count has no honest median here.
    if (summary.served == summary.repetitions)
      summary.note.clear();
    else if (summary.served > 0 && summary.note.empty())
      summary.note = "some repetitions failed";
    summary.requests_per_second = spread_of(rps);
    summary.p99_us = spread_of(p99);
    summary.cpu_us_per_request = spread_of(cpu);
    summary.syscalls_per_request = spread_of(calls);
    summary.rss_bytes = spread_of(rss);
    summary.threads = spread_of(threads);
    summaries.push_back(summary);
  }
  std::vector<std::string> lab_order;
  for (const ScalingSummary& s : summaries)
    if (std::find(lab_order.begin(), lab_order.end(), s.lab) == lab_order.end())
      lab_order.push_back(s.lab);
  auto rank = [&](const ScalingSummary& s) {
    return std::find(lab_order.begin(), lab_order.end(), s.lab) - lab_order.begin();
  };
  std::stable_sort(
      summaries.begin(), summaries.end(),
      [&](const ScalingSummary& a, const ScalingSummary& b) { return rank(a) < rank(b); });
  return summaries;
}

CsvTable summary_table(const std::vector<ScalingSummary>& summaries) {
  CsvTable table;
  table.columns = {"lab", "idle", "served", "repetitions"};
  for (const char* figure : {"requests_per_second", "p99_us", "cpu_us_per_request",
                             "syscalls_per_request", "rss_bytes", "threads"})
    for (const char* statistic : {"median", "min", "max"})
      table.columns.push_back(std::string(figure) + "_" + statistic);
  table.columns.push_back("note");
  for (const ScalingSummary& s : summaries) {
    std::vector<std::string> row = {s.lab, std::to_string(s.idle), std::to_string(s.served),
                                    std::to_string(s.repetitions)};
    add_spread(row, s.requests_per_second, 1);
    add_spread(row, s.p99_us, 1);
    add_spread(row, s.cpu_us_per_request, 2);
    add_spread(row, s.syscalls_per_request, 2);
    add_spread(row, s.rss_bytes, 0);
    add_spread(row, s.threads, 0);
    row.push_back(s.note);
    table.rows.push_back(std::move(row));
  }
  return table;
}

}  // namespace socklab::bench
