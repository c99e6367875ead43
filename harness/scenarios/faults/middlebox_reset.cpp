// middlebox-rst: a firewall near the client rejects one flow with tcp-reset (nftables
// "reject with tcp reset"). The server's next segment on that flow is answered with a RST
// in the client's name, which its kernel accepts. The server must close that connection and
// keep serving everyone else, including new connections from the same host.
#include "harness/engine/scenario_context.hpp"
#include "harness/faults/packet_faults.hpp"
#include "harness/trace/segment_queries.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_middlebox_rst,
                 {.group = "echo",
                  .name = "middlebox-rst",
                  .purpose = "a firewall resets one flow (nft reject with tcp reset)",
                  .client_hosts = 1,
                  .needs_topology = true,
                  .varying_facts = {
                      {"server sends", "* bytes, until the client's RST",
                       "whether the server's echo of the second 4 KiB leaves before the "
                       "firewall's RST (answering the server's ACK) comes back is timing"},
                  }}) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the client whose flow is rejected", context.random_bytes(4096), 0);
  context.drive_before_fault(flows, "the client's 4 KiB echoed before the firewall acts");
  const int connected = context.server_open_descriptors();
  const TcpEndpoint client = flows[0].local_endpoint();
  const TcpEndpoint server = context.server_tcp_endpoint();
  NftTable firewall = reject_flow_with_reset(context.client_host(0), server, client.port);
  double rejected_since = wall_clock_seconds();

  // The client sends more; the server's ACK or echo meets the firewall, which resets the
  // server's side. The client's own socket hears nothing: its echo never comes.
  std::vector<EchoFlow> more;
  more.emplace_back("the rejected client, sending again", context.random_bytes(4096));
  more.back().continue_on(flows[0].take_socket());
  context.drive(more, {.deadline = 3s, .stall = 1s});

  context.require_descriptors_at_most(
      connected - 1, 3s, "the server to close the connection a firewall reset", "after the RST",
      "A RST from a middlebox is indistinguishable from the peer's own: the connection is over. "
      "The server's next read or write fails with ECONNRESET (or EPIPE), or epoll reports "
      "EPOLLHUP | EPOLLERR: close that socket.");
  context.require_healthy_client_served(0, "from the same host after its other flow was reset");
  int resets = count_resets(context.captured_segments(), client, server, rejected_since);
  context.observe("the firewall answered the server's segments on the rejected flow with " +
                  std::to_string(resets) + " RST in the client's name");
}

}  // namespace socklab::harness
