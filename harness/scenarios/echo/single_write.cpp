// single-4mib-write: 4 MiB offered in one send(), three times; the server must drain its socket.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    echo_single_write,
    {.group = "echo",
     .name = "single-4mib-write",
     .purpose = "4 MiB in one send(), 3 times: the server must read until the socket is empty"}) {
  // Three transfers, one connection after another. Whether a server that reads once per report
  // is left with bytes in its socket depends on how its writes meet the client's window: each
  // write that hits EAGAIN brings an EPOLLOUT report, which such a server also answers with one
  // read, and in about one run in twenty (measured: 3 of 60) that chain happens to drain
  // everything. Three independent transfers leave it a chance of about 1 in 10^4 of passing;
  // a server that reads until EAGAIN passes every one.
  for (int transfer = 1; transfer <= 3; ++transfer) {
    // One chunk: everything. The client reads nothing for 500 ms through a 64 KiB receive
    // buffer, so the echo piles up in the server past --high-water (1 MiB) and the server stops
    // reading: its receive window fills and no more data arrives. When the client reads, the
    // server's output drains and it must read again by itself: on edge-triggered epoll the
    // bytes queued meanwhile bring no new readiness report.
    std::vector<EchoFlow> flows;
    flows.emplace_back("transfer " + std::to_string(transfer) + " of 3",
                       context.random_bytes(4 << 20));
    flows.back().receive_buffer(64 << 10).start_reading_after(500ms);
    DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 2s});
    context.require_complete(
        flows, end, "all 4194304 bytes echoed, in each of 3 transfers",
        "The server stopped reading while bytes were still queued in its socket. "
        "Edge-triggered epoll reports readability when data arrives, not while it waits: a "
        "server that reads once per report leaves the rest until a new arrival that never "
        "comes. Read until EAGAIN.");
  }
}

}  // namespace socklab::harness
