// Time for a load run: CLOCK_MONOTONIC in nanoseconds, the clock timerfd schedules by, so the
// send schedule and its wake-ups agree. It never jumps when the wall clock is set.
#pragma once

#include <time.h>

#include <cstdint>

namespace socklab::load {

inline std::uint64_t monotonic_ns() {
  timespec now{};
  // clock_gettime(CLOCK_MONOTONIC) cannot fail on Linux: the clock id is valid and `now` is ours.
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec);
}

}  // namespace socklab::load
