// slow-sender: one byte at a time, 5 ms apart. Every byte must come back, and a server
// waiting for the next byte must sleep in the kernel, not spin.
#include <chrono>
#include <cstdio>

#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_slow_sender,
                 {.group = "echo",
                  .name = "slow-sender",
                  .purpose = "300 bytes one at a time, 5 ms apart: all echoed, no busy loop"}) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the slow client", context.random_bytes(300));
  flows.back().chunk_sizes(1, 1).pauses(5ms, 1.0);
  ProcessFacts before = context.server_facts();
  auto start = std::chrono::steady_clock::now();
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(flows, end, "all 300 bytes echoed one by one",
                           "A byte that arrives alone must be echoed alone: the server must not "
                           "wait for a full buffer before it replies.");

  std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  double cpu = context.server_facts().cpu_seconds - before.cpu_seconds;
  // A correct server uses a few milliseconds of CPU here (one wake-up per byte); a busy loop
  // uses the whole second. Half of the wall time separates the two with a wide margin, even on
  // a loaded machine where a spinning server gets only part of a core.
  if (cpu > 0.5 * wall.count()) {
    char figures[160];
    std::snprintf(figures, sizeof figures,
                  "the server used %.2f s of CPU in %.2f s while one byte arrived every 5 ms", cpu,
                  wall.count());
    fail({"the server to sleep in the kernel between bytes (under half a core of CPU)", figures,
          "A busy loop: the server keeps asking for readiness it will not act on. The usual "
          "cause is asking for writability (EPOLLOUT, POLLOUT, a write fd_set) while there is "
          "nothing to write: an idle socket is always writable, so level-triggered readiness "
          "returns at once, forever."});
  }
}

}  // namespace socklab::harness
