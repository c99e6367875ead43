#include "harness/bench/measured_point.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "harness/bench/idle_holder.hpp"
#include "harness/bench/syscall_count.hpp"

namespace socklab::bench {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

constexpr milliseconds kStartPatience(10'000);
constexpr milliseconds kSampleInterval(50);
// After the load closes its connections, ref-blocking's threads take a moment to see EOF and
// exit; their system calls and CPU time belong to the window, so wait for them (bounded).
constexpr milliseconds kSettlePatience(2000);

std::vector<std::string> load_arguments(const PointPlan& plan, std::uint16_t port, double seconds) {
  return {"--port",     std::to_string(port),
          "-c",         std::to_string(plan.connections),
          "-P",         std::to_string(plan.depth),
          "--size",     std::to_string(plan.request_size),
          "--threads",  "1",
          "--duration", fmt::format("{:.3f}", seconds)};
}

// Samples RSS and threads while the measured load runs, keeping the largest of each.
class PeakSampler {
 public:
  explicit PeakSampler(BenchServer& server) : thread_([this, &server] { run(server); }) {}
  PeakSampler(const PeakSampler&) = delete;
  ~PeakSampler() { finish(); }
  void finish() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::uint64_t rss_bytes() const { return rss_bytes_; }
  int threads() const { return threads_; }

 private:
  void run(BenchServer& server) {
    while (!done_) {
      harness::ProcessFacts facts = server.usage();
      rss_bytes_ = std::max(rss_bytes_.load(), facts.rss_bytes);
      threads_ = std::max(threads_.load(), facts.threads);
      std::this_thread::sleep_for(kSampleInterval);
    }
  }
  std::atomic<bool> done_{false};
  std::atomic<std::uint64_t> rss_bytes_{0};
  std::atomic<int> threads_{0};
  std::thread thread_;
};

void wait_for_threads(BenchServer& server, int threads_before) {
  const auto deadline = SteadyClock::now() + kSettlePatience;
  while (SteadyClock::now() < deadline && server.usage().threads > threads_before)
    std::this_thread::sleep_for(milliseconds(10));
}

std::string file_tail(const std::filesystem::path& file, std::size_t max_bytes) {
  std::ifstream in(file, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  return all.size() > max_bytes ? all.substr(all.size() - max_bytes) : all;
}

// Where BenchServer writes the server's logs (its default when the plan names none).
std::filesystem::path server_log_dir(const PointPlan& plan) {
  return plan.server.log_dir.empty() ? std::filesystem::temp_directory_path() / "socklab-bench"
                                     : plan.server.log_dir;
}

std::string server_log_tail(const PointPlan& plan) {
  return file_tail(server_log_dir(plan) / (plan.server.name + ".stderr"), 4096);
}

}  // namespace

PointFigures measure_point(const PointPlan& plan) {
  BenchServer server = BenchServer::start(plan.server, kStartPatience);
  std::optional<IdleHolder> holder;
  if (plan.idle > 0)
    holder.emplace(
        IdleHolder::hold(plan.socklab, plan.load_core, server, plan.idle, server_log_dir(plan)));
  if (holder && !holder->refused().empty()) {
    // Measuring now would measure fewer idle connections than asked: the point is a refusal.
    PointFigures refused;
    refused.idle_refused = holder->refused();
    refused.server_exited = !server.alive();
    server.stop();
    refused.server_stderr = server_log_tail(plan);
    return refused;
  }
  if (plan.warmup_seconds > 0)
    run_pinned_load(plan.socklab, plan.load_core,
                    load_arguments(plan, server.port(), plan.warmup_seconds));

  PointFigures figures;
  std::string why_not;
  std::optional<SyscallCount> counter;
  if (plan.count_syscalls) {
    counter = SyscallCount::attach(server.pid(), why_not);
    if (!counter) figures.syscall_note = why_not;
  }
  // perf counts without disturbing the server, so it counts the measured window itself.
  // strace stops the server at every call: it detaches now and counts a window of its own
  // afterwards, whose throughput is thrown away.
  std::optional<SyscallCount> perf_counter;
  if (counter && counter->tool() == SyscallCounterTool::perf) {
    perf_counter = std::move(counter);
  } else if (counter) {
    counter->finish(why_not);
  }
  counter.reset();  // a moved-from optional is still engaged

  const harness::ProcessFacts before = server.usage();
  {
    PeakSampler sampler(server);
    figures.load = run_pinned_load(plan.socklab, plan.load_core,
                                   load_arguments(plan, server.port(), plan.seconds));
    sampler.finish();
    figures.rss_bytes = sampler.rss_bytes();
    figures.threads = sampler.threads();
  }
  wait_for_threads(server, before.threads);
  const harness::ProcessFacts after = server.usage();
  figures.server_exited = !server.alive();
  const double requests = static_cast<double>(figures.load.requests);
  if (figures.load.requests > 0 && !figures.server_exited)
    figures.cpu_us_per_request = (after.cpu_seconds - before.cpu_seconds) * 1e6 / requests;

  std::optional<std::uint64_t> calls;
  double counted_requests = requests;
  if (perf_counter) {
    calls = perf_counter->finish(why_not);
    figures.syscall_counter = "perf";
  } else if (plan.count_syscalls && figures.syscall_note.empty() && !figures.server_exited) {
    counter = SyscallCount::attach(server.pid(), why_not);
    if (counter) {
      LoadFigures strace_window = run_pinned_load(
          plan.socklab, plan.load_core, load_arguments(plan, server.port(), plan.seconds));
      wait_for_threads(server, before.threads);
      calls = counter->finish(why_not);
      counted_requests = static_cast<double>(strace_window.requests);
      figures.syscall_counter = "strace";
    }
  }
  if (!calls && plan.count_syscalls && figures.syscall_note.empty()) figures.syscall_note = why_not;
  if (calls && *calls == 0 && counted_requests > 0) {
    // Every echo takes at least a read and a write: a zero is a counter that did not count.
    calls.reset();
    why_not = figures.syscall_counter + " counted no system calls for a window that served " +
              "requests, so its count is not trusted";
    if (figures.syscall_note.empty()) figures.syscall_note = why_not;
  }
  if (calls && counted_requests > 0)
    figures.syscalls_per_request = static_cast<double>(*calls) / counted_requests;

  if (holder && !holder->still_holding())
    figures.idle_refused =
        "the server closed the idle connections' holder during the run, so "
        "the window had fewer idle connections than asked";
  if (holder) holder->release();
  figures.server_exited = figures.server_exited || !server.alive();
  server.stop();
  figures.server_stderr = server_log_tail(plan);
  return figures;
}

}  // namespace socklab::bench
