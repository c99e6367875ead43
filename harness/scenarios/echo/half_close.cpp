// half-close: the client sends, then shuts down its writing side (FIN) while the echo is still
// on its way; the server must send everything it owes, then close its side.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_half_close,
                 {.group = "echo",
                  .name = "half-close",
                  .purpose = "client FIN while the echo is pending: all data, then the server's FIN"}) {
  std::vector<EchoFlow> flows;
  // The client reads slowly (256 KiB per 10 ms through a 64 KiB receive buffer), and 8 MiB is
  // more than the server's socket buffer may hold (tcp_wmem: 4 MiB): when our FIN reaches the
  // server, part of the echo still waits in the server's own memory, and a server that closes
  // as soon as read() returns 0 loses it.
  flows.emplace_back("the client", context.random_bytes(8 << 20));
  flows.back()
      .chunk_sizes(16 << 10, 64 << 10)
      .half_close_when_sent()
      .receive_buffer(64 << 10)
      .read_pace(256 << 10, 10ms);
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(
      flows, end, "all 8388608 bytes echoed after our FIN, then the server's FIN",
      "After the peer's FIN (read() returns 0) the connection is half-closed, not closed: the "
      "server must finish sending what it owes and then close, which sends its own FIN.");
}

}  // namespace socklab::harness
