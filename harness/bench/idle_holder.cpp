#include "harness/bench/idle_holder.hpp"

#include <thread>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/tool_path.hpp"

namespace socklab::bench {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// ref-blocking starts a thread per connection: 10,000 take a few seconds on a busy core.
constexpr milliseconds kHoldPatience(30'000);
// A server that closes what it cannot serve (select past FD_SETSIZE) never reaches M
// descriptors: a count unchanged this long means it holds all it will.
constexpr milliseconds kSettled(400);
constexpr milliseconds kSample(25);
// The holder needs one active connection (socklab load requires it); one request a second on
// it is noise far below the active load's tens of thousands.
constexpr const char* kHolderRate = "1";
// Longer than any point; the holder is stopped when its point ends.
constexpr const char* kHolderSeconds = "3600";

}  // namespace

IdleHolder IdleHolder::hold(const std::filesystem::path& socklab, int core, BenchServer& server,
                            std::size_t idle, const std::filesystem::path& log_dir) {
  const int before = server.facts().open_fds;
  harness::LaunchSpec launch;
  launch.program = require_tool("taskset", "util-linux");
  launch.arguments = {"-c",
                      std::to_string(core),
                      socklab.string(),
                      "load",
                      "--port",
                      std::to_string(server.port()),
                      "-c",
                      "1",
                      "--rate",
                      kHolderRate,
                      "--idle",
                      std::to_string(idle),
                      "--duration",
                      kHolderSeconds};
  std::filesystem::create_directories(log_dir);
  launch.stdout_log = log_dir / (server.name() + "-idle-holder.stdout");
  launch.stderr_log = log_dir / (server.name() + "-idle-holder.stderr");
  launch.drop_root = false;
  launch.limits.open_files = 1 << 20;  // capped at socklab's hard limit, which bench checked
  launch.limits.processes = 0;
  launch.limits.cpu_seconds = 0;
  launch.limits.data_bytes = 0;
  IdleHolder holder(harness::SupervisedProcess::launch(launch));

  const auto deadline = SteadyClock::now() + kHoldPatience;
  int last = before;
  int last_threads = -1;
  auto last_change = SteadyClock::now();
  while (SteadyClock::now() < deadline) {
    if (!holder.process_.alive()) {
      // socklab load ends once its one active connection fails: the server closed or refused
      // it, and with it (at least some of) the idle ones.
      holder.refused_ = "the server closed or refused connections while " + std::to_string(idle) +
                        " idle ones were being opened (socklab load " +
                        holder.process_.exit_status()->describe() + ")";
      return holder;
    }
    if (!server.alive()) return holder;  // the point's own checks report the server's exit
    const harness::ProcessFacts facts = server.facts();
    const int now = facts.open_fds;
    // Thread-per-connection servers accept faster than they start threads: held means the
    // descriptors are there and the thread count has stopped growing too.
    if (now >= before + static_cast<int>(idle) && facts.threads == last_threads) return holder;
    last_threads = facts.threads;
    if (now != last) {
      last = now;
      last_change = SteadyClock::now();
    } else if (now > before && SteadyClock::now() - last_change >= kSettled) {
      return holder;
    }
    std::this_thread::sleep_for(kSample);
  }
  throw BenchError("the server " + server.name() + " did not take " + std::to_string(idle) +
                   " idle connections within " + std::to_string(kHoldPatience.count() / 1000) +
                   " s (it holds " + std::to_string(last - before) + " more descriptors)");
}

}  // namespace socklab::bench
