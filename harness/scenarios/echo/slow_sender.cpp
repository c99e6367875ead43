// slow-sender: one byte at a time, 5 ms apart. Every byte must come back, and a server
// waiting for the next byte must sleep in the kernel, not spin.
#include <chrono>

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
  const CpuWindow waiting = context.start_cpu_window();
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(flows, end, "all 300 bytes echoed one by one",
                           "A byte that arrives alone must be echoed alone: the server must not "
                           "wait for a full buffer before it replies.");

  context.require_no_busy_loop(waiting, "while one byte arrived every 5 ms");
}

}  // namespace socklab::harness
