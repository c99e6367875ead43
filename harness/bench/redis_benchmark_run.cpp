#include "harness/bench/redis_benchmark_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string_view>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/timed_tool_run.hpp"

namespace socklab::bench {
namespace {

// The first `count` characters of `text`, for messages about output that is not what we
// expected: enough to recognise, never a screenful.
std::string quoted_start(const std::string& text, std::size_t count = 300) {
  if (text.empty()) return "nothing";
  std::string start = text.substr(0, count);
  if (text.size() > count) start += "...";
  return "\"" + start + "\"";
}

// Splits one CSV line of quoted fields ("a","b"); redis-benchmark never quotes a quote.
std::vector<std::string> quoted_fields(std::string_view line) {
  std::vector<std::string> fields;
  while (!line.empty()) {
    std::size_t comma = line.find(',');
    std::string_view field = line.substr(0, comma);
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = field.substr(1, field.size() - 2);
    }
    fields.emplace_back(field);
    if (comma == std::string_view::npos) break;
    line.remove_prefix(comma + 1);
  }
  return fields;
}

}  // namespace

std::vector<RedisBenchmarkRate> parse_redis_benchmark_csv(const std::string& output) {
  std::vector<RedisBenchmarkRate> rates;
  bool header_seen = false;
  std::string_view rest(output);
  while (!rest.empty()) {
    std::size_t newline = rest.find('\n');
    std::string_view line = rest.substr(0, newline);
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    std::vector<std::string> fields = quoted_fields(line);
    if (fields.size() >= 2 && fields[0] == "test" && fields[1] == "rps") {
      header_seen = true;
      continue;
    }
    if (!header_seen) continue;  // a warning before the CSV starts
    double rate = 0;
    const std::string& number = fields.size() >= 2 ? fields[1] : std::string();
    auto [end, error] = std::from_chars(number.data(), number.data() + number.size(), rate);
    if (fields.size() < 2 || error != std::errc() || end != number.data() + number.size() ||
        rate <= 0) {
      throw BenchError("redis-benchmark printed a CSV line without a rate: \"" + std::string(line) +
                       "\"");
    }
    rates.push_back({fields[0], rate});
  }
  if (rates.empty()) {
    throw BenchError(
        "redis-benchmark printed no --csv rates (a \"test\",\"rps\" header and a "
        "line per test); it printed " +
        quoted_start(output));
  }
  return rates;
}

std::vector<std::string> redis_benchmark_command(const RedisBenchmarkSpec& spec) {
  return {spec.taskset.string(),
          "-c",
          std::to_string(spec.core),
          spec.redis_benchmark.string(),
          "-h",
          "127.0.0.1",
          "-p",
          std::to_string(spec.port),
          "-t",
          spec.test,
          "-n",
          std::to_string(spec.requests),
          "-c",
          std::to_string(spec.clients),
          "-P",
          std::to_string(spec.pipeline),
          "--csv"};
}

double run_redis_benchmark(const RedisBenchmarkSpec& spec) {
  std::vector<std::string> command = redis_benchmark_command(spec);
  ToolLaunch launch;
  launch.program = command.front();
  launch.arguments.assign(command.begin() + 1, command.end());
  launch.log_dir = spec.log_dir;
  launch.log_name = "redis-benchmark";
  // Each client is a socket; headroom for the tool's own files.
  launch.open_files = spec.clients + 1024;
  TimedToolRun run = run_tool_with_timeout(launch, spec.timeout);
  const std::string what = fmt::format("redis-benchmark -t {} -P {} -c {} on port {}", spec.test,
                                       spec.pipeline, spec.clients, spec.port);
  if (run.timed_out) {
    throw BenchError(fmt::format(
        "{} did not finish within {} s (it retries a connection that fails for ever); it "
        "printed on stderr: {}",
        what, spec.timeout.count() / 1000, run.stderr_tail.empty() ? "nothing" : run.stderr_tail));
  }
  if (!run.status.clean()) {
    throw BenchError(fmt::format("{} {}; it printed on stderr: {}", what, run.status.describe(),
                                 run.stderr_tail.empty() ? "nothing" : run.stderr_tail));
  }
  std::vector<RedisBenchmarkRate> rates = parse_redis_benchmark_csv(run.output);
  for (const RedisBenchmarkRate& rate : rates) {
    if (rate.test.size() == spec.test.size() &&
        std::equal(rate.test.begin(), rate.test.end(), spec.test.begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return rate.requests_per_second;
    }
  }
  throw BenchError(
      fmt::format("{} printed no rate for {}: {}", what, spec.test, quoted_start(run.output)));
}

}  // namespace socklab::bench
