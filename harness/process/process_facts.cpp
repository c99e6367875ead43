// What the harness reads about a running program: its /proc counters and its logs.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/process/bounded_read.hpp"
#include "harness/process/proc_stat.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::harness {
namespace {

// A log can hold megabytes (up to ProcessLimits::log_bytes); a verdict quotes its end.
constexpr std::size_t kLogWindow = 64 * 1024;

std::uint64_t resident_bytes(pid_t pid) {
  std::istringstream status(
      detail::read_head("/proc/" + std::to_string(pid) + "/status", 16 * 1024).value_or(""));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) != 0) continue;
    std::istringstream fields(line.substr(6));
    std::uint64_t kibibytes = 0;
    fields >> kibibytes;  // "VmRSS:	    1234 kB"
    return kibibytes * 1024;
  }
  return 0;  // a kernel thread or a process that has just ended has no VmRSS line
}

// -1 when the folder cannot be read: it is the program's (nobody's) and mode 0500, so a root
// harness without CAP_DAC_OVERRIDE (a container's) may not list it. A silent 0 would pass
// every leak check.
int open_descriptors(pid_t pid) {
  std::error_code error;
  std::filesystem::directory_iterator fd("/proc/" + std::to_string(pid) + "/fd", error), end;
  if (error == std::errc::permission_denied || error == std::errc::operation_not_permitted) {
    return -1;
  }
  int count = 0;
  // Another error (the process ended meanwhile) ends the count with what was counted.
  for (; !error && fd != end; fd.increment(error)) ++count;
  return count;
}

}  // namespace

ProcessFacts SupervisedProcess::facts(bool count_descriptors) const {
  ProcessFacts facts;
  if (pid_ <= 0 || exit_status_ || stop_result_) return facts;
  auto stat = detail::read_proc_stat(pid_);
  if (!stat || !stat->running()) return facts;  // a zombie holds nothing any more
  static const long ticks_per_second = ::sysconf(_SC_CLK_TCK);
  // utime and stime of /proc/PID/stat cover every thread of the process, and only it: the
  // time of reaped children is counted separately (cutime, cstime) and left out.
  facts.cpu_seconds = static_cast<double>(stat->user_ticks + stat->system_ticks) /
                      static_cast<double>(ticks_per_second);
  facts.threads = stat->threads;
  facts.rss_bytes = resident_bytes(pid_);
  if (count_descriptors) facts.open_fds = open_descriptors(pid_);
  return facts;
}

std::string SupervisedProcess::stderr_tail(int max_lines) const {
  std::string tail = detail::read_tail(spec_.stderr_log, kLogWindow).value_or("");
  // A full window probably starts mid-line: drop that fragment.
  if (tail.size() == kLogWindow) tail.erase(0, tail.find('\n') + 1);
  std::vector<std::string_view> lines;
  for (std::string_view rest(tail); !rest.empty();) {
    std::size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest.remove_prefix(newline == std::string_view::npos ? rest.size() : newline + 1);
  }
  const std::size_t wanted = static_cast<std::size_t>(std::max(max_lines, 0));
  const std::size_t first = lines.size() > wanted ? lines.size() - wanted : 0;
  std::string text;
  for (std::size_t i = first; i < lines.size(); ++i) {
    if (i > first) text += '\n';
    text += lines[i];
  }
  return text;
}

std::string SupervisedProcess::stdout_text() const {
  return detail::read_tail(spec_.stdout_log, kLogWindow).value_or("");
}

}  // namespace socklab::harness
