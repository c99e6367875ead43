#include "harness/process/fork_watch.hpp"

#include <signal.h>

#include <chrono>

#include "harness/process/process_tree.hpp"

namespace socklab::harness {

ForkWatch::ForkWatch(pid_t leader, int max_processes)
    : max_processes_(max_processes), thread_([this, leader] { watch(leader); }) {}

ForkWatch::~ForkWatch() {
  done_ = true;
  thread_.join();
}

void ForkWatch::watch(pid_t leader) {
  // Ten looks a second: a bomb doubles every few milliseconds, so it is at RLIMIT_NPROC by the
  // first look either way; what matters is that the storm lasts a moment, not the scenario.
  while (!done_) {
    std::vector<detail::ProcStat> processes = detail::program_processes(leader, 0);
    if (static_cast<int>(processes.size()) + 1 > max_processes_) {
      tripped_at_ = static_cast<int>(processes.size()) + 1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  // The group (one call reaches most of it), then every process listed, again and again: the
  // survivors of one round keep forking until a round finds none left.
  while (!done_ && tripped_at_ > 0) {
    detail::signal_group(leader, SIGKILL);
    std::vector<detail::ProcStat> left = detail::program_processes(leader, 0);
    for (const detail::ProcStat& process : left) detail::signal_process(process, SIGKILL);
    if (left.empty()) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace socklab::harness
