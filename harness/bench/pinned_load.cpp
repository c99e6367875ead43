#include "harness/bench/pinned_load.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <map>
#include <sstream>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/log_folder.hpp"
#include "harness/bench/tool_path.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::bench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Connecting 10,000 idle connections and stopping takes a few seconds on top of --duration;
// past this margin the run is stuck and is killed rather than waited for.
constexpr double kMarginSeconds = 60;

std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

double number_in(const std::map<std::string, std::string>& row, const std::string& column,
                 const std::string& output) {
  auto found = row.find(column);
  if (found == row.end() || found->second.empty())
    throw BenchError("socklab load printed no `" + column + "` column; its output was:\n" + output);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(found->second.c_str(), &end);
  if (errno != 0 || end == found->second.c_str() || *end != '\0' || value < 0)
    throw BenchError("socklab load's `" + column + "` is not a number (\"" + found->second +
                     "\"); its output was:\n" + output);
  return value;
}

double duration_in(const std::vector<std::string>& arguments) {
  for (std::size_t i = 0; i + 1 < arguments.size(); ++i)
    if (arguments[i] == "--duration") return std::atof(arguments[i + 1].c_str());
  return 10;
}

}  // namespace

LoadFigures parse_load_csv(const std::string& output) {
  std::stringstream lines(output);
  for (std::string header; std::getline(lines, header);) {
    if (header.rfind("proto,", 0) != 0) continue;
    std::string values;
    if (!std::getline(lines, values)) break;
    std::vector<std::string> names = split_commas(header);
    std::vector<std::string> fields = split_commas(values);
    if (fields.size() != names.size())
      throw BenchError("socklab load's CSV line has " + std::to_string(fields.size()) +
                       " fields for " + std::to_string(names.size()) + " columns:\n" + output);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < names.size(); ++i) row[names[i]] = fields[i];
    LoadFigures figures;
    figures.seconds = number_in(row, "seconds", output);
    figures.requests = static_cast<std::uint64_t>(number_in(row, "requests", output));
    figures.requests_per_second = number_in(row, "requests_per_second", output);
    figures.p50_us = number_in(row, "p50_us", output);
    figures.p99_us = number_in(row, "p99_us", output);
    figures.p999_us = number_in(row, "p999_us", output);
    figures.max_us = number_in(row, "max_us", output);
    figures.errors = static_cast<std::uint64_t>(number_in(row, "errors", output));
    return figures;
  }
  throw BenchError(
      "expected socklab load --csv to print a header line (proto,...) and a data "
      "line; it printed:\n" +
      output);
}

LoadFigures run_pinned_load(const fs::path& socklab, int core,
                            const std::vector<std::string>& arguments) {
  harness::LaunchSpec launch;
  launch.program = require_tool("taskset", "util-linux");
  launch.arguments = {"-c", std::to_string(core), socklab.string(), "load"};
  launch.arguments.insert(launch.arguments.end(), arguments.begin(), arguments.end());
  launch.arguments.push_back("--csv");
  LogFolder logs("socklab-load");  // removed with its logs when this run is read back
  launch.stdout_log = logs.path() / "stdout";
  launch.stderr_log = logs.path() / "stderr";
  launch.drop_root = false;            // our own program, and it needs socklab's descriptor limit
  launch.limits.open_files = 1 << 20;  // capped at socklab's hard limit, which bench checked
  launch.limits.processes = 0;
  launch.limits.cpu_seconds = 0;
  launch.limits.data_bytes = 0;
  harness::SupervisedProcess process = harness::SupervisedProcess::launch(launch);

  const double patience = duration_in(arguments) + kMarginSeconds;
  const bool finished = process.exits_within(milliseconds(static_cast<long>(patience * 1000)));
  const harness::SupervisedProcess::StopResult stopped = process.stop(milliseconds(1000));
  const std::string output = process.stdout_text();
  const std::string errors = process.stderr_tail(40);
  if (!finished)
    throw BenchError(
        fmt::format("socklab load did not finish within {:.0f} s (its --duration "
                    "plus {:.0f} s) and was killed; its stderr ends with:\n{}",
                    patience, kMarginSeconds, errors));
  if (!stopped.status.exited || stopped.status.code == 2 || stopped.status.code > 2)
    throw BenchError("socklab load " + stopped.status.describe() + ":\n" + errors);
  LoadFigures figures = parse_load_csv(output);
  if (stopped.status.code == 1) figures.error_lines = errors;
  return figures;
}

}  // namespace socklab::bench
