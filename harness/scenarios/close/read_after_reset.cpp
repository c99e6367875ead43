// read-after-reset: clients send 16 KiB, read their echo and then reset (RST) while the
// server waits to read more. The server's next read fails with ECONNRESET (epoll reports
// EPOLLIN | EPOLLHUP | EPOLLERR): news about one peer, never a reason to exit.
#include "harness/engine/process_checks.hpp"
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(close_read_after_reset,
                 {.group = "close",
                  .name = "read-after-reset",
                  .purpose = "3 clients reset while the server waits to read: ECONNRESET ends each",
                  .server_arguments = {"--proto", "echo", "--close-mode", "graceful"}}) {
  context.explain_server_exit(
      "ECONNRESET from read() is news about one peer: its client aborted the connection. Close "
      "that socket and go on serving the others; never exit because of it.");
  const int baseline = context.server_open_descriptors();
  std::vector<EchoFlow> resetting;
  for (int i = 0; i < 3; ++i) {
    resetting.emplace_back("resetting client " + std::to_string(i), context.random_bytes(16 << 10));
    resetting.back().reset_after_echo(16 << 10);  // the whole echo first: nothing is owed
  }
  DriveEnd end = context.drive(resetting, {.deadline = 10s, .stall = 3s});
  context.require_complete(resetting, end, "each client's 16 KiB echoed before it resets",
                           "The server stopped echoing before any client reset.");
  context.require_server_alive("read-after-reset, after 3 clients reset their connections");
  context.require_descriptors_at_most(baseline + kDescriptorTolerance, 3s,
                                      "the server to close the 3 connections its clients reset",
                                      "after the RSTs");
  context.require_healthy_client_served(0, "after 3 clients reset their connections");
}

}  // namespace socklab::harness
