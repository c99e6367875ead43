// Reading redis-benchmark --csv: the rates of a real run's output (captured from
// redis-benchmark 7.0.15 against redis-server on 127.0.0.1), and a clear error for output that
// holds no rate, because redis-benchmark prints warnings, not CSV, when it cannot measure.
#include <gtest/gtest.h>

#include <string>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/redis_benchmark_run.hpp"

namespace socklab::bench {
namespace {

// `redis-benchmark -h 127.0.0.1 -p P -t ping_inline,ping_mbulk -c 50 -n 100000 -P 1 --csv`.
const std::string kCapturedOutput =
    "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\","
    "\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n"
    "\"PING_INLINE\",\"27464.98\",\"1.372\",\"0.144\",\"0.447\",\"6.063\",\"8.591\",\"16.735\"\n"
    "\"PING_MBULK\",\"27292.58\",\"1.368\",\"0.160\",\"0.463\",\"5.831\",\"8.655\",\"9.967\"\n";

std::string error_of(const std::string& output) {
  try {
    parse_redis_benchmark_csv(output);
  } catch (const BenchError& error) {
    return error.what();
  }
  return "no error";
}

TEST(RedisBenchmarkCsv, ReadsTheRateOfEveryTestOfARealRun) {
  std::vector<RedisBenchmarkRate> rates = parse_redis_benchmark_csv(kCapturedOutput);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_EQ(rates[0].test, "PING_INLINE");
  EXPECT_DOUBLE_EQ(rates[0].requests_per_second, 27464.98);
  EXPECT_EQ(rates[1].test, "PING_MBULK");
  EXPECT_DOUBLE_EQ(rates[1].requests_per_second, 27292.58);
}

TEST(RedisBenchmarkCsv, ReadsCarriageReturnLineEndsAndSkipsAWarningBeforeTheHeader) {
  // Against a server without CONFIG (ref-epoll-et) it warns first; the progress lines of a
  // run without --csv end in \r.
  const std::string output = "WARNING: Could not fetch server CONFIG\r\n" + kCapturedOutput;
  std::vector<RedisBenchmarkRate> rates = parse_redis_benchmark_csv(output);
  ASSERT_EQ(rates.size(), 2u);
  EXPECT_DOUBLE_EQ(rates[1].requests_per_second, 27292.58);
}

TEST(RedisBenchmarkCsv, EmptyOutputIsAnErrorThatSaysNothingWasPrinted) {
  const std::string message = error_of("");
  EXPECT_NE(message.find("no --csv rates"), std::string::npos) << message;
  EXPECT_NE(message.find("printed nothing"), std::string::npos) << message;
}

TEST(RedisBenchmarkCsv, OutputWithoutTheCsvHeaderIsAnErrorQuotingIt) {
  const std::string message = error_of("Could not connect to Redis at 127.0.0.1:1: refused\n");
  EXPECT_NE(message.find("no --csv rates"), std::string::npos) << message;
  EXPECT_NE(message.find("Could not connect to Redis"), std::string::npos) << message;
}

TEST(RedisBenchmarkCsv, ALineWithoutANumberIsAnErrorQuotingTheLine) {
  const std::string output = "\"test\",\"rps\"\n\"PING_INLINE\",\"fast\"\n";
  const std::string message = error_of(output);
  EXPECT_NE(message.find("without a rate"), std::string::npos) << message;
  EXPECT_NE(message.find("\"PING_INLINE\",\"fast\""), std::string::npos) << message;
}

TEST(RedisBenchmarkCsv, AZeroRateIsAnError) {
  EXPECT_NE(error_of("\"test\",\"rps\"\n\"PING_MBULK\",\"0.00\"\n").find("without a rate"),
            std::string::npos);
}

TEST(RedisBenchmarkCommand, PinsTheClientAndAsksForOneTestOnLoopback) {
  RedisBenchmarkSpec spec;
  spec.taskset = "/usr/bin/taskset";
  spec.redis_benchmark = "/usr/bin/redis-benchmark";
  spec.port = 6379;
  spec.test = "ping_mbulk";
  spec.requests = 300000;
  spec.clients = 1000;
  spec.pipeline = 16;
  const std::vector<std::string> expected = {"/usr/bin/taskset",
                                             "-c",
                                             "1",
                                             "/usr/bin/redis-benchmark",
                                             "-h",
                                             "127.0.0.1",
                                             "-p",
                                             "6379",
                                             "-t",
                                             "ping_mbulk",
                                             "-n",
                                             "300000",
                                             "-c",
                                             "1000",
                                             "-P",
                                             "16",
                                             "--csv"};
  EXPECT_EQ(redis_benchmark_command(spec), expected);
}

}  // namespace
}  // namespace socklab::bench
