// pipelined: many small messages sent back to back, without waiting for their echoes.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_pipelined,
                 {.group = "echo",
                  .name = "pipelined",
                  .purpose = "20000 small messages written back to back, echoed in order"}) {
  std::vector<EchoFlow> flows;
  // One send() of 10 to 100 bytes per message, as fast as the socket takes them: the server
  // sees them merged into large reads and must not treat a read as a message.
  flows.emplace_back("the client", context.random_bytes(20000 * 55));
  flows.back().chunk_sizes(10, 100);
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(flows, end, "every message echoed back, in order",
                           "The server stopped echoing while messages were still queued: a "
                           "read can hold many messages, and all of them must be answered.");
}

}  // namespace socklab::harness
