#include "harness/engine/process_checks.hpp"

#include <cstdio>
#include <thread>

#include "harness/engine/interruption.hpp"

namespace socklab::harness {

using namespace std::chrono_literals;

namespace {
constexpr double kBusyCpuShare = 0.5;             // of the period: a spinner with a core to spare
constexpr double kAlwaysRunnableShare = 0.9;      // of the period: on a CPU or queued for one
constexpr double kStarvedSpinnerCpuShare = 0.05;  // of the period: a spinner's share, ≤ 20 per core
}  // namespace

std::optional<Finding> descriptors_released(SupervisedProcess& server, int limit,
                                            std::chrono::milliseconds within,
                                            const std::string& expected, const std::string& since) {
  auto deadline = std::chrono::steady_clock::now() + within;
  int open = server.facts().open_fds;
  while (open > limit && std::chrono::steady_clock::now() < deadline) {
    if (interrupted()) throw Interrupted();
    std::this_thread::sleep_for(20ms);
    if (!server.alive()) return std::nullopt;
    open = server.facts().open_fds;
  }
  if (open <= limit) return std::nullopt;
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%g s", std::chrono::duration<double>(within).count());
  return Finding{
      expected + " (at most " + std::to_string(limit) + " open descriptors)",
      "it still held " + std::to_string(open) + " descriptors " + seconds + " " + since,
      "A socket the server never closes stays in CLOSE_WAIT (or with its peer long gone) with its "
      "buffers for as long as the process lives; enough of them and accept() fails with EMFILE. "
      "Close a connection's socket on EOF, on every error (ECONNRESET, EPIPE, ETIMEDOUT) and on "
      "EPOLLHUP/EPOLLERR."};
}

std::optional<Finding> busy_loop(const CpuUse& use, const std::string& during) {
  // A correct server uses milliseconds of CPU while it waits (one wake-up per event); a busy
  // loop uses all it can get. Half of the wall time separates the two with a wide margin on a
  // machine with a core to spare.
  const bool over_half_a_core = use.cpu_seconds > kBusyCpuShare * use.wall_seconds;
  // On a loaded machine a spinner gets only its share of a core, which can be well under half.
  // What it cannot hide is that it never sleeps: one of its threads is on a CPU or queued for
  // one for the whole period, and it takes its share of every core it waits for. A correct
  // server is runnable only while events arrive faster than it is scheduled, and then its CPU
  // time is what those events need (measured: under 3 % of the period, ASan builds included),
  // far below a spinner's share unless more than twenty tasks compete for each core.
  bool spun_every_slice = false;
  double runnable = 0, on_cpu = 0;
  if (use.busiest_thread) {
    runnable = static_cast<double>(use.busiest_thread->during.runnable_ns()) / 1e9;
    on_cpu = static_cast<double>(use.busiest_thread->during.on_cpu_ns) / 1e9;
    spun_every_slice = runnable >= kAlwaysRunnableShare * use.wall_seconds &&
                       on_cpu >= kStarvedSpinnerCpuShare * use.wall_seconds;
  }
  if (!over_half_a_core && !spun_every_slice) return std::nullopt;
  char figures[320];
  if (over_half_a_core) {
    std::snprintf(figures, sizeof figures, "the server used %.2f s of CPU in %.2f s %s",
                  use.cpu_seconds, use.wall_seconds, during.c_str());
  } else {
    std::snprintf(figures, sizeof figures,
                  "one of the server's threads never slept in %.2f s %s: it was running or "
                  "waiting for a CPU for %.2f s of it, and ran for %.2f s (the machine was busy, "
                  "so that was all the CPU it could get)",
                  use.wall_seconds, during.c_str(), runnable, on_cpu);
  }
  return Finding{
      "the server to sleep in the kernel while it waits (under half a core of CPU, and not "
      "always runnable)",
      figures,
      "A busy loop: the server keeps asking for readiness it will not act on. The usual cause is "
      "asking for writability (EPOLLOUT, POLLOUT, a write fd_set) while there is nothing to write, "
      "or for readability of a peer it has stopped reading: level-triggered readiness that is "
      "never consumed returns at once, forever."};
}

Finding fork_bomb(int processes, int bound) {
  return {"the server to run as one process (threads are fine), or a few",
          "it had " + std::to_string(processes) + " processes, past socklab's bound of " +
              std::to_string(bound) + ", and was killed with everything it started",
          "A fork bomb: every fork() past RLIMIT_NPROC fails with EAGAIN but still costs the "
          "kernel a task and a stack, and a program that keeps trying slows down every other "
          "one on the machine. No server in these labs needs more than one process."};
}

}  // namespace socklab::harness
