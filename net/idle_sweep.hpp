// IdleSweep: when an event loop should wake up to close connections idle for too long.
// Checking every connection on every wake-up would cost O(connections) per event; instead the
// loop sweeps once per tenth of the timeout, so a connection is closed between 1.0 and 1.1
// times the timeout after its last activity (a tolerance the harness allows for).
#pragma once

#include <algorithm>
#include <chrono>

#include "net/connection.hpp"

namespace socklab {

class IdleSweep {
 public:
  explicit IdleSweep(std::chrono::milliseconds idle_timeout)
      : idle_timeout_(idle_timeout),
        period_(std::max(idle_timeout / 10, std::chrono::milliseconds(10))),
        next_sweep_(Clock::now() + period_) {}

  bool enabled() const { return idle_timeout_.count() > 0; }

  // Timeout for select/poll/epoll_wait in milliseconds; -1 (wait forever) when disabled.
  int wait_timeout_ms() const {
    if (!enabled()) return -1;
    auto remaining = std::chrono::ceil<std::chrono::milliseconds>(next_sweep_ - Clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(remaining.count(), 0));
  }

  // True once per period; the caller then checks every connection with expired().
  bool due() {
    if (!enabled() || Clock::now() < next_sweep_) return false;
    next_sweep_ = Clock::now() + period_;
    return true;
  }

  bool expired(const Connection& connection) const {
    return Clock::now() - connection.last_activity() >= idle_timeout_;
  }

 private:
  std::chrono::milliseconds idle_timeout_;
  std::chrono::milliseconds period_;
  Clock::time_point next_sweep_;
};

}  // namespace socklab
