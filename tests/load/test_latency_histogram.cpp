// The latency histogram keeps every value within 1/128 (0.8%) of itself, from 1 ns to past
// 100 s, reports percentiles of known distributions to that precision, and merges exactly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <memory>

#include "harness/load/latency_histogram.hpp"

namespace socklab::load {
namespace {

// The precision the header promises: a reported value is never below the true one and at most
// 1/128 above it.
void expect_within_precision(std::uint64_t reported, double truth) {
  EXPECT_GE(static_cast<double>(reported), std::floor(truth)) << "true value " << truth;
  EXPECT_LE(static_cast<double>(reported), truth * (1.0 + 1.0 / 128) + 1) << "true value " << truth;
}

TEST(LatencyHistogram, EmptyHistogramReportsZeroEverywhere) {
  auto histogram = std::make_unique<LatencyHistogram>();
  EXPECT_EQ(histogram->count(), 0u);
  EXPECT_EQ(histogram->max(), 0u);
  EXPECT_EQ(histogram->value_at_percentile(50), 0u);
  EXPECT_EQ(histogram->value_at_percentile(100), 0u);
}

TEST(LatencyHistogram, ValuesBelow128NanosecondsAreExact) {
  auto histogram = std::make_unique<LatencyHistogram>();
  for (std::uint64_t value = 1; value <= 100; ++value) histogram->record(value);
  EXPECT_EQ(histogram->value_at_percentile(50), 50u);
  EXPECT_EQ(histogram->value_at_percentile(99), 99u);
  EXPECT_EQ(histogram->value_at_percentile(0), 1u);
}

TEST(LatencyHistogram, EveryBucketIsNarrowerThanOneOver128OfItsValues) {
  std::size_t previous_index = 0;
  for (double value = 1; value < 2e12; value *= 1.013) {
    const auto v = static_cast<std::uint64_t>(value);
    const std::size_t index = LatencyHistogram::bucket_index(v);
    ASSERT_GE(index, previous_index) << "buckets must follow the order of values, at " << v;
    previous_index = index;
    if (v > LatencyHistogram::kHighestTrackable) break;
    const std::uint64_t lowest = LatencyHistogram::lowest_value_in_bucket(index);
    const std::uint64_t highest = LatencyHistogram::highest_value_in_bucket(index);
    ASSERT_LE(lowest, v);
    ASSERT_GE(highest, v);
    ASSERT_LE(highest - lowest, lowest / 128) << "bucket of " << v << " is too wide";
  }
}

TEST(LatencyHistogram, UniformDistributionPercentilesAreWithinPrecision) {
  auto histogram = std::make_unique<LatencyHistogram>();
  for (std::uint64_t value = 1; value <= 1'000'000; ++value) histogram->record(value * 1000);
  EXPECT_EQ(histogram->count(), 1'000'000u);
  expect_within_precision(histogram->value_at_percentile(50), 500'000'000.0);
  expect_within_precision(histogram->value_at_percentile(99), 990'000'000.0);
  expect_within_precision(histogram->value_at_percentile(99.9), 999'000'000.0);
  EXPECT_EQ(histogram->value_at_percentile(100), 1'000'000'000u);
}

TEST(LatencyHistogram, ExponentialTailPercentilesAreWithinPrecision) {
  // The exact quantiles of an exponential distribution with a 50 us mean, one sample each,
  // so the true percentiles are known: p = 1 - exp(-v / mean).
  auto histogram = std::make_unique<LatencyHistogram>();
  constexpr int kSamples = 200'000;
  constexpr double kMeanNs = 50'000;
  for (int i = 0; i < kSamples; ++i) {
    histogram->record(static_cast<std::uint64_t>(-kMeanNs * std::log(1.0 - (i + 0.5) / kSamples)));
  }
  for (double percentile : {50.0, 90.0, 99.0, 99.9}) {
    SCOPED_TRACE(percentile);
    const double truth = -kMeanNs * std::log(1.0 - percentile / 100);
    const double reported = static_cast<double>(histogram->value_at_percentile(percentile));
    EXPECT_NEAR(reported, truth, truth / 100);
  }
}

TEST(LatencyHistogram, HundredSecondsIsTrackedWithinPrecision) {
  auto histogram = std::make_unique<LatencyHistogram>();
  histogram->record(1);
  histogram->record(100'000'000'000);
  histogram->record(100'000'000'000);
  expect_within_precision(histogram->value_at_percentile(50), 100e9);
}

TEST(LatencyHistogram, MaxIsExactEvenBeyondTheTrackedRange) {
  auto histogram = std::make_unique<LatencyHistogram>();
  histogram->record(123'456'789);
  histogram->record(5'000'000'000'000);
  EXPECT_EQ(histogram->max(), 5'000'000'000'000u);
  EXPECT_EQ(histogram->value_at_percentile(100), 5'000'000'000'000u);
  expect_within_precision(histogram->value_at_percentile(50), 123'456'789.0);
}

TEST(LatencyHistogram, MergeAddsCountsAndKeepsTheLargerMax) {
  auto low = std::make_unique<LatencyHistogram>();
  auto high = std::make_unique<LatencyHistogram>();
  for (std::uint64_t value = 1; value <= 1000; ++value) low->record(value * 1000);
  for (std::uint64_t value = 1001; value <= 2000; ++value) high->record(value * 1000);
  low->merge(*high);
  EXPECT_EQ(low->count(), 2000u);
  EXPECT_EQ(low->max(), 2'000'000u);
  expect_within_precision(low->value_at_percentile(50), 1'000'000.0);
  expect_within_precision(low->value_at_percentile(75), 1'500'000.0);
}

TEST(LatencyHistogram, MergingAnEmptyHistogramChangesNothing) {
  auto histogram = std::make_unique<LatencyHistogram>();
  auto empty = std::make_unique<LatencyHistogram>();
  histogram->record(42'000);
  histogram->merge(*empty);
  EXPECT_EQ(histogram->count(), 1u);
  EXPECT_EQ(histogram->max(), 42'000u);
  expect_within_precision(histogram->value_at_percentile(50), 42'000.0);
}

}  // namespace
}  // namespace socklab::load
