// integrity: 8 MiB of random bytes in random-sized writes with random pauses come back intact.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_integrity,
                 {.group = "echo",
                  .name = "integrity",
                  .purpose = "8 MiB of random bytes, random write sizes and pauses, echoed intact"}) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the client", context.random_bytes(8 << 20));
  // Sizes from 1 byte to 64 KiB, with a short pause after one write in twenty: TCP may merge
  // or split any of these, and the echo must not care. The client reads 256 KiB per 10 ms
  // through a 64 KiB receive buffer: the echo (8 MiB) is larger than the most a server's socket
  // buffer may hold (tcp_wmem, 4 MiB), so its send() must meet EAGAIN and wait for writability.
  flows.back()
      .chunk_sizes(1, 64 << 10)
      .pauses(3ms, 0.05)
      .receive_buffer(64 << 10)
      .read_pace(256 << 10, 10ms);
  DriveEnd end = context.drive(flows, {.deadline = 30s, .stall = 3s});
  context.require_complete(flows, end, "all 8388608 bytes echoed back intact and in order",
                           "The server stopped sending bytes back although it had received "
                           "them: bytes it read were never written, or output it could not "
                           "write at once (EAGAIN) was never retried on writability.");
}

}  // namespace socklab::harness
