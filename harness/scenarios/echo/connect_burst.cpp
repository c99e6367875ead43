// connect-burst: 200 connections arrive at once; every one must be accepted and served.
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_connect_burst,
                 {.group = "echo",
                  .name = "connect-burst",
                  .purpose = "200 connects queued while the server is busy: every one accepted and served"}) {
  std::vector<EchoFlow> flows;
  for (int i = 0; i < 200; ++i) {
    flows.emplace_back("connection " + std::to_string(i), context.random_bytes(100));
  }
  // The server is frozen while the 200 handshakes complete (the kernel completes them without
  // it) and their bytes arrive: on resumption it finds them all queued behind one readiness
  // report for the listening socket, as a busy server would. The first drive ends when its
  // 500 ms are up; nothing can complete before the server runs again.
  context.freeze_server();
  context.drive(flows, {.deadline = 500ms, .stall = 500ms});
  context.thaw_server();
  DriveEnd end = context.drive(flows, {.deadline = 20s, .stall = 3s});
  context.require_complete(
      flows, end, "all 200 connections accepted and their 100 bytes echoed",
      "The handshakes completed (the kernel queued these connections on the listening socket) "
      "but the server never accepted them. One readiness report for a listening socket can "
      "stand for many queued connections; with edge-triggered epoll it is not repeated, so "
      "accept() must be called until it fails with EAGAIN.");
}

}  // namespace socklab::harness
