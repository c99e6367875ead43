// One process as /proc/PID/stat shows it: who its parent, group and session are, whether it
// still runs, and the CPU time it has used.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string_view>

namespace socklab::harness::detail {

struct ProcStat {
  pid_t pid = 0;
  char state = '?';  // R, S, D, T, ... ; Z: exited, waiting to be reaped; X: being reaped
  pid_t ppid = 0;
  pid_t pgid = 0;
  pid_t sid = 0;
  unsigned long long user_ticks = 0;    // utime, all threads, in sysconf(_SC_CLK_TCK) units
  unsigned long long system_ticks = 0;  // stime, likewise
  int threads = 0;
  // Clock ticks from boot to its start: with the pid, the process's identity, because a pid is
  // reused once its process has been reaped.
  unsigned long long start_time = 0;

  bool running() const { return state != 'Z' && state != 'X'; }
  bool same_process(const ProcStat& other) const {
    return pid == other.pid && start_time == other.start_time;
  }
};

// Parses the text of /proc/PID/stat; nullopt when it is not one.
std::optional<ProcStat> parse_proc_stat(std::string_view text);

// nullopt when the process does not exist (any more).
std::optional<ProcStat> read_proc_stat(pid_t pid);

}  // namespace socklab::harness::detail
