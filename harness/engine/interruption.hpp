// Ctrl-C: the signal thread sets this flag; every wait in the harness checks it at least every
// 50 ms and unwinds, so RAII can kill the servers and drop the namespaces before exit.
#pragma once

#include <atomic>

namespace socklab::harness {

inline std::atomic<bool>& interruption_flag() {
  static std::atomic<bool> flag{false};
  return flag;
}
inline bool interrupted() { return interruption_flag().load(std::memory_order_relaxed); }

class Interrupted : public std::exception {
 public:
  const char* what() const noexcept override { return "interrupted"; }
};

}  // namespace socklab::harness
