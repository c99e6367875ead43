// ForkWatch: stops a fork bomb within a fraction of a second. RLIMIT_NPROC bounds how many
// tasks a program can have, but not what its failing fork() calls cost everyone else: each one
// allocates and frees a kernel stack, and thousands of them a second slow every other program
// on the machine, a classmate's graded in parallel included. No server in these labs needs
// hundreds of processes (a thread per connection is one process), so past that bound the whole
// program is killed and the scenario says why.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <thread>

namespace socklab::harness {

class ForkWatch {
 public:
  // Watches the program whose main process is `leader` (its session, group and descendants)
  // from a thread of its own, until destroyed.
  explicit ForkWatch(pid_t leader, int max_processes = kDefaultMaxProcesses);
  ~ForkWatch();
  ForkWatch(const ForkWatch&) = delete;
  ForkWatch& operator=(const ForkWatch&) = delete;

  // The program's process count when it was killed; 0 while it never went past the bound.
  int tripped_at() const { return tripped_at_.load(); }
  int max_processes() const { return max_processes_; }

  // A fork per connection for 200 simultaneous clients stays below it.
  static constexpr int kDefaultMaxProcesses = 256;

 private:
  void watch(pid_t leader);

  int max_processes_;
  std::atomic<bool> done_{false};
  std::atomic<int> tripped_at_{0};
  std::thread thread_;
};

}  // namespace socklab::harness
