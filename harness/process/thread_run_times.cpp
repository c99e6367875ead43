#include "harness/process/thread_run_times.hpp"

#include <charconv>
#include <string>

#include "harness/process/thread_ids.hpp"

namespace socklab::harness::detail {
namespace {

bool parse_field(std::string_view& text, unsigned long long& value) {
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  return true;
}

}  // namespace

std::optional<RunTimes> parse_schedstat(std::string_view text) {
  RunTimes times;
  unsigned long long timeslices = 0;
  if (!parse_field(text, times.on_cpu_ns) || !parse_field(text, times.run_queue_ns) ||
      !parse_field(text, timeslices) || !text.empty()) {
    return std::nullopt;
  }
  return times;
}

std::optional<ThreadRunTimes> read_thread_run_times(pid_t pid) {
  auto files = read_thread_files(pid, "schedstat", 256);
  if (!files) return std::nullopt;
  ThreadRunTimes threads;
  for (const auto& [tid, text] : *files) {
    auto times = parse_schedstat(text);
    if (!times) return std::nullopt;  // not the format this code knows: trust none of it
    threads.emplace(tid, *times);
  }
  if (threads.empty()) return std::nullopt;
  return threads;
}

std::optional<BusiestThread> busiest_thread(const ThreadRunTimes& before,
                                            const ThreadRunTimes& after) {
  std::optional<BusiestThread> busiest;
  for (const auto& [tid, now] : after) {
    RunTimes start;
    if (auto known = before.find(tid); known != before.end()) start = known->second;
    // A tid reused by a new thread would read less than its predecessor: count from zero.
    if (now.on_cpu_ns < start.on_cpu_ns || now.run_queue_ns < start.run_queue_ns) start = {};
    RunTimes during{now.on_cpu_ns - start.on_cpu_ns, now.run_queue_ns - start.run_queue_ns};
    if (!busiest || during.runnable_ns() > busiest->during.runnable_ns()) {
      busiest = BusiestThread{tid, during};
    }
  }
  return busiest;
}

}  // namespace socklab::harness::detail
