// RedisBenchmarkRun: one redis-benchmark run, pinned to one core with taskset, against a
// server on 127.0.0.1, read back from its --csv output. One test per run (-t ping_inline or
// -t ping_mbulk), so that the server's CPU time read before and after belongs to that test.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace socklab::bench {

// One line of redis-benchmark --csv: "PING_INLINE","27464.98","1.372",...
struct RedisBenchmarkRate {
  std::string test;  // as redis-benchmark names it: "PING_INLINE", "PING_MBULK"
  double requests_per_second = 0;
};

// The lines redis-benchmark --csv prints: a header starting "test","rps", then one line per
// test. Throws BenchError, quoting the output, when it is empty or not that.
std::vector<RedisBenchmarkRate> parse_redis_benchmark_csv(const std::string& output);

struct RedisBenchmarkSpec {
  std::filesystem::path taskset;
  std::filesystem::path redis_benchmark;
  int core = 1;
  std::uint16_t port = 0;
  std::string test;            // -t, lower case: "ping_inline"
  std::uint64_t requests = 0;  // -n
  int clients = 50;            // -c
  int pipeline = 1;            // -P
  std::filesystem::path log_dir;
  std::chrono::milliseconds timeout{60'000};
};

// The exact command line, for messages and for the record.
std::vector<std::string> redis_benchmark_command(const RedisBenchmarkSpec& spec);

// Runs it and returns the test's requests/s. Throws BenchError, with what redis-benchmark
// printed, when it fails, times out (it retries a refused connect for ever) or prints no rate.
double run_redis_benchmark(const RedisBenchmarkSpec& spec);

}  // namespace socklab::bench
