// many-clients: 500 clients connected at the same time, each with its own bytes.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_many_clients,
                 {.group = "echo",
                  .name = "many-clients",
                  .purpose = "500 concurrent clients, each echoed its own bytes, then closed"}) {
  std::vector<EchoFlow> flows;
  for (int i = 0; i < 500; ++i) {
    flows.emplace_back("client " + std::to_string(i), context.random_bytes(2048));
    flows.back().chunk_sizes(256, 2048).half_close_when_sent();
  }
  DriveEnd end = context.drive(flows, {.deadline = 30s, .stall = 5s});
  context.require_complete(flows, end,
                           "all 500 clients to get their own 2048 bytes back, then the server's FIN",
                           "Some connections were never served: bytes of one client must not go "
                           "to another, and every ready connection must be handled, not only the "
                           "first one a wake-up reports.");
  context.require_graceful_close_on_the_wire(flows, "many-clients");
}

}  // namespace socklab::harness
