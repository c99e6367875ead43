#include "harness/load/latency_histogram.hpp"

#include <algorithm>
#include <bit>
#include <cmath>

namespace socklab::load {

std::size_t LatencyHistogram::bucket_index(std::uint64_t value_ns) {
  value_ns = std::min(value_ns, kHighestTrackable);
  if (value_ns < kSubBuckets) return static_cast<std::size_t>(value_ns);
  // value_ns is in octave [2^exponent, 2^(exponent+1)); shifting it right by exponent - 7 leaves
  // a number in [128, 256) whose low 7 bits say which 1/128 of the octave it falls in.
  const int exponent = std::bit_width(value_ns) - 1;
  const int shift = exponent - kSubBucketBits;
  const std::uint64_t sub_bucket = (value_ns >> shift) - kSubBuckets;
  return static_cast<std::size_t>(kSubBuckets + static_cast<std::uint64_t>(shift) * kSubBuckets +
                                  sub_bucket);
}

std::uint64_t LatencyHistogram::lowest_value_in_bucket(std::size_t index) {
  if (index < kSubBuckets) return index;
  const std::uint64_t shift = (index - kSubBuckets) / kSubBuckets;
  const std::uint64_t sub_bucket = (index - kSubBuckets) % kSubBuckets;
  return (kSubBuckets + sub_bucket) << shift;
}

std::uint64_t LatencyHistogram::highest_value_in_bucket(std::size_t index) {
  if (index < kSubBuckets) return index;
  const std::uint64_t shift = (index - kSubBuckets) / kSubBuckets;
  return lowest_value_in_bucket(index) + (std::uint64_t{1} << shift) - 1;
}

void LatencyHistogram::record(std::uint64_t value_ns) {
  ++counts_[bucket_index(value_ns)];
  ++count_;
  max_ = std::max(max_, value_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  for (std::size_t i = 0; i < kBucketCount; ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  max_ = std::max(max_, other.max_);
}

std::uint64_t LatencyHistogram::value_at_percentile(double percentile) const {
  if (count_ == 0) return 0;
  percentile = std::clamp(percentile, 0.0, 100.0);
  // The rank of the value asked for, 1-based: p50 of 10 values is the 5th, p0 the first.
  const auto wanted = static_cast<std::uint64_t>(std::ceil(percentile / 100.0 * count_));
  const std::uint64_t rank = std::clamp<std::uint64_t>(wanted, 1, count_);
  // The largest value is known exactly, and so is everything in the last bucket's range.
  if (rank == count_) return max_;
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i + 1 < kBucketCount; ++i) {
    seen += counts_[i];
    if (seen >= rank) return std::min(highest_value_in_bucket(i), max_);
  }
  return max_;
}

}  // namespace socklab::load
