// RequestBudget: how many requests `-n COUNT` still allows, shared by every worker thread.
// A request is claimed before it is queued, so exactly COUNT are sent and the run ends when
// their COUNT replies are in, with no surplus requests left in flight.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>

namespace socklab::load {

class RequestBudget {
 public:
  explicit RequestBudget(std::optional<std::uint64_t> total)
      : limited_(total.has_value()), remaining_(static_cast<std::int64_t>(total.value_or(0))) {}
  // Non-copyable: the workers share this one counter.
  RequestBudget(const RequestBudget&) = delete;
  RequestBudget& operator=(const RequestBudget&) = delete;

  // Relaxed is enough: the counter orders nothing but itself. Each worker stops claiming after
  // its first refusal, so the count goes at most one below zero per worker.
  bool claim() {
    if (!limited_) return true;
    return remaining_.fetch_sub(1, std::memory_order_relaxed) > 0;
  }

 private:
  bool limited_;
  std::atomic<std::int64_t> remaining_;
};

}  // namespace socklab::load
