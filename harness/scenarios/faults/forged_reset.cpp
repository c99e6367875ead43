// forged-rst: RSTs the client never sent, written on a raw socket in the client's host with
// sequence numbers read from the live capture. RFC 5961 makes the server's kernel accept a
// RST only at exactly the next expected byte; one byte off, it sends a "challenge ACK" and the
// connection lives. The server must close the connection that was reset and not notice the
// other at all.
#include <stdexcept>
#include <thread>

#include "harness/engine/scenario_context.hpp"
#include "harness/faults/forged_reset.hpp"
#include "harness/trace/segment_queries.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_forged_rst,
                 {.group = "echo",
                  .name = "forged-rst",
                  .purpose = "forged RSTs: the exact sequence resets, one byte off is challenged",
                  .client_hosts = 1,
                  .needs_topology = true}) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the client hit by an exact RST", context.random_bytes(4096), 0);
  flows.emplace_back("the client hit by an RST one byte off", context.random_bytes(4096), 0);
  context.drive_before_fault(flows, "both clients' 4 KiB echoed before the forged RSTs");
  std::this_thread::sleep_for(100ms);  // the last ACKs reach the capture
  const int connected = context.server_open_descriptors();
  const TcpEndpoint server = context.server_tcp_endpoint();
  const TcpEndpoint exact_client = flows[0].local_endpoint();
  const TcpEndpoint off_client = flows[1].local_endpoint();
  auto segments = context.captured_segments();
  auto exact_seq = last_acknowledgment(segments, server, exact_client);
  auto off_seq = last_acknowledgment(segments, server, off_client);
  if (!exact_seq || !off_seq) {
    throw std::runtime_error("the capture holds no ACK from the server to the clients, so no "
                             "sequence number to forge");
  }
  double forged_at = wall_clock_seconds();
  send_forged_reset(context.client_host(0), exact_client, server, *exact_seq);
  send_forged_reset(context.client_host(0), off_client, server, *off_seq + 1);

  context.require_descriptors_at_most(
      connected - 1, 3s,
      "the server to close the connection its kernel reset (a RST at exactly the next expected "
      "sequence number)",
      "after the forged RST",
      "A RST at the exact sequence number ends the connection in the server's kernel, wherever "
      "it came from: the next read fails with ECONNRESET, or epoll reports EPOLLHUP | EPOLLERR. "
      "Close that socket.");
  // The connection hit one byte off must live on: it echoes another 4 KiB.
  std::vector<EchoFlow> survivor;
  survivor.emplace_back("the client hit by an RST one byte off, again", context.random_bytes(4096));
  survivor.back().continue_on(flows[1].take_socket());
  DriveEnd end = context.drive(survivor, {.deadline = 10s, .stall = 3s});
  context.require_complete(survivor, end,
                           "the connection hit by an RST one byte off to go on echoing",
                           "The server's kernel ignores a RST that is not at the exact sequence "
                           "number (RFC 5961): nothing happened to this connection, so the "
                           "server must go on serving it.");
  // The challenge ACK is the server's first segment to that client after the forgery, and
  // carries no data: the client had sent nothing new.
  auto after = segments_between(context.captured_segments(), server, off_client, forged_at);
  bool challenged = !after.empty() && after.front().payload_bytes == 0 && !after.front().rst();
  context.observe("RST at the exact sequence number: the server's kernel reset the connection. "
                  "RST one byte off: " +
                  std::string(challenged ? "a challenge ACK (RFC 5961), and the connection lived on"
                                         : "the connection lived on"));
}

}  // namespace socklab::harness
