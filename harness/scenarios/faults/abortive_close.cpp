// abortive-close: clients end with SO_LINGER {1, 0}, so close() sends RST instead of FIN while
// the server waits to read. The server's read fails with ECONNRESET (or epoll reports
// EPOLLHUP | EPOLLERR): that ends one connection, never the server.
#include "harness/engine/process_checks.hpp"
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_abortive_close,
                 {.group = "echo",
                  .name = "abortive-close",
                  .purpose = "5 clients close with RST (SO_LINGER 0) while the server waits to read"}) {
  context.explain_server_exit(
      "ECONNRESET from read() or recv() (or EPOLLHUP | EPOLLERR from epoll) is news about one "
      "peer: its client aborted the connection. Close that socket and go on; never exit, and "
      "never treat it as an error of the server.");
  const int baseline = context.server_open_descriptors();
  std::vector<EchoFlow> flows;
  for (int i = 0; i < 5; ++i) {
    flows.emplace_back("resetting client " + std::to_string(i), context.random_bytes(16 << 10));
    flows.back().reset_after_echo(16 << 10);  // the whole echo first: then nothing is owed
  }
  DriveEnd end = context.drive(flows, {.deadline = 10s, .stall = 3s});
  context.require_complete(flows, end, "each client's 16 KiB echoed before it resets",
                           "The server stopped echoing before any client reset.");
  context.require_server_alive("abortive-close, after 5 clients reset their connections");
  context.require_descriptors_at_most(
      baseline + kDescriptorTolerance, 3s,
      "the server to close the 5 connections its clients reset", "after the RSTs");
  context.require_healthy_client_served(0, "after 5 clients reset their connections");
}

}  // namespace socklab::harness
