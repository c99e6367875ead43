// idle-connections: 20 clients connect and say nothing; an active client must still be served.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_idle_connections,
                 {.group = "echo",
                  .name = "idle-connections",
                  .purpose = "20 silent connections open; an active client is served meanwhile"}) {
  std::vector<EchoFlow> flows;
  for (int i = 0; i < 20; ++i) flows.emplace_back("idle client " + std::to_string(i), "");
  // The active client starts once the idle ones are connected (and perhaps accepted), and
  // talks in 100-byte messages 5 ms apart.
  flows.emplace_back("the active client", context.random_bytes(200 * 100));
  flows.back().start_after(300ms).chunk_sizes(100, 100).pauses(5ms, 1.0);
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(
      flows, end, "the active client's 20000 bytes echoed while 20 idle connections stay open",
      "The server served nobody while idle connections were open: it blocked on one connection "
      "(a read that waits for an idle peer) instead of serving every connection that is ready. "
      "Use a thread per connection or readiness notification (select, poll, epoll).");
}

}  // namespace socklab::harness
