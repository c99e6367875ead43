// slow-reader: a client reads its echo 256 bytes at a time, one read a millisecond, through a
// small receive window. 384 KiB is several times what the server's socket buffer holds (about
// 90 KiB at first), so the server's send() is partial or meets EAGAIN again and again; the
// rest must be kept and sent when the socket is writable again, without spinning in between.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_slow_reader,
                 {.group = "echo",
                  .name = "slow-reader",
                  .purpose = "384 KiB read back 256 bytes per ms: partial writes kept, no busy loop"}) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the slow reader", context.random_bytes(384 << 10));
  flows.back().receive_buffer(4096).read_pace(256, 1ms);
  const CpuWindow waiting = context.start_cpu_window();
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(flows, end, "all 384 KiB echoed intact to a client that reads slowly",
                           "The server stopped sending to a slow reader: after a partial write "
                           "or EAGAIN it must keep the rest and send it when the socket is "
                           "writable again.");
  context.require_no_busy_loop(waiting, "while a client read 256 bytes per millisecond");
}

}  // namespace socklab::harness
