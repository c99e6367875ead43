// LatencyHistogram: response times in nanoseconds, kept in HdrHistogram's log-linear layout so
// that recording is one array increment and the tail (p99.9, max) is as exact as the median.
//
// Every power of two [2^e, 2^(e+1)) is split into kSubBuckets equal sub-buckets, so a bucket is
// never wider than 1/kSubBuckets of the values in it: with 128, every reported percentile is
// within 0.8% of the true value, from 1 ns up to kHighestTrackable (about 1100 s). Values below
// kSubBuckets ns have a bucket each and are exact. (Debian packages no C/C++ HdrHistogram.)
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace socklab::load {

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBuckets = std::uint64_t{1} << kSubBucketBits;  // 128
  // Octaves above the exact range: [2^7, 2^40) ns. A value above the last is counted in the
  // last bucket; max() still reports it exactly.
  static constexpr int kHighestExponent = 39;
  static constexpr std::uint64_t kHighestTrackable =
      (std::uint64_t{1} << (kHighestExponent + 1)) - 1;
  static constexpr std::size_t kBucketCount =
      kSubBuckets + (kHighestExponent + 1 - kSubBucketBits) * kSubBuckets;

  void record(std::uint64_t value_ns);
  void merge(const LatencyHistogram& other);

  // The smallest recorded value v such that `percentile` % of the values are <= v, reported as
  // the highest value of v's bucket (as HdrHistogram does: never under-reports a latency) and
  // capped at max(). 0 when empty. `percentile` is clamped to [0, 100].
  std::uint64_t value_at_percentile(double percentile) const;

  std::uint64_t max() const { return max_; }
  std::uint64_t count() const { return count_; }

  // The bucket layout, public so that tests can check the precision the header promises.
  static std::size_t bucket_index(std::uint64_t value_ns);
  static std::uint64_t lowest_value_in_bucket(std::size_t index);
  static std::uint64_t highest_value_in_bucket(std::size_t index);

 private:
  std::array<std::uint64_t, kBucketCount> counts_{};
  std::uint64_t count_ = 0;
  std::uint64_t max_ = 0;
};

}  // namespace socklab::load
