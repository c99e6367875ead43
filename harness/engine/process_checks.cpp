#include "harness/engine/process_checks.hpp"

#include <cstdio>
#include <thread>

#include "harness/engine/interruption.hpp"

namespace socklab::harness {

using namespace std::chrono_literals;

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

std::optional<Finding> busy_loop(double cpu_seconds, double wall_seconds, const std::string& during) {
  // A correct server uses milliseconds of CPU while it waits (one wake-up per event); a busy
  // loop uses all it can get. Half of the wall time separates the two with a wide margin, even
  // on a loaded machine where a spinning server gets only part of a core.
  if (cpu_seconds <= 0.5 * wall_seconds) return std::nullopt;
  char figures[200];
  std::snprintf(figures, sizeof figures, "the server used %.2f s of CPU in %.2f s %s",
                cpu_seconds, wall_seconds, during.c_str());
  return Finding{
      "the server to sleep in the kernel while it waits (under half a core of CPU)", figures,
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
