// half-close: the client sends, then shuts down its writing side (FIN) while the echo is still
// on its way; the server must send everything it owes, then close its side.
#include "harness/scenarios/echo/half_close_flow.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

void drive_half_close(ScenarioContext& context, const std::string& scenario,
                      const std::string& meaning) {
  std::vector<EchoFlow> flows;
  // When the server reads our FIN, most of the echo is still in its own memory (the kernel
  // holds only what the small window lets through), and a server that closes as soon as read()
  // returns 0 loses it.
  flows.emplace_back("the client", context.random_bytes(1 << 20));
  flows.back()
      .chunk_sizes(16 << 10, 64 << 10)
      .half_close_when_sent()
      .receive_buffer(64 << 10)
      .start_reading_after(500ms)
      .read_pace(256 << 10, 10ms);
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  // The wire first: how the server closed says more than what the client ended up reading.
  context.require_graceful_close_on_the_wire(flows, scenario);
  context.require_complete(
      flows, end, "all 1048576 bytes echoed after our FIN, then the server's FIN", meaning);
}

VaryingFact half_close_zero_window() {
  return {"zero window held by", "*",
          "whether a window reaches exactly zero during the client's 500 ms pause depends on how "
          "the echo's segments fill its 64 KiB buffer"};
}

SOCKLAB_SCENARIO(
    echo_half_close,
    {.group = "echo",
     .name = "half-close",
     .purpose = "client FIN while the echo is pending: all data, then the server's FIN",
     .varying_facts = {half_close_zero_window()}}) {
  drive_half_close(
      context, "half-close",
      "After the peer's FIN (read() returns 0) the connection is half-closed, not closed: the "
      "server must finish sending what it owes and then close, which sends its own FIN.");
}

}  // namespace socklab::harness
