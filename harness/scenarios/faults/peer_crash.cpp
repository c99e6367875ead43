// peer-crash: client processes die with SIGKILL mid-conversation. Their kernel closes their
// sockets for them: FIN where nothing was unread, RST where the echo was still unread. The
// server must close those connections, keep its descriptors and go on serving.
#include "harness/engine/process_checks.hpp"
#include "harness/engine/scenario_context.hpp"
#include "harness/faults/peer_process.hpp"
#include "harness/trace/segment_queries.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_peer_crash,
                 {.group = "echo",
                  .name = "peer-crash",
                  .purpose = "8 client processes killed, 4 with unread echo (RST): sockets closed"}) {
  constexpr int kEachKind = 4;
  const int baseline = context.server_open_descriptors();
  std::vector<EchoFlow> flows;
  for (int i = 0; i < kEachKind; ++i) {
    flows.emplace_back("client process " + std::to_string(i) + " (echo read)",
                       context.random_bytes(16 << 10));
  }
  for (int i = 0; i < kEachKind; ++i) {
    flows.emplace_back("client process " + std::to_string(kEachKind + i) + " (echo unread)",
                       context.random_bytes(16 << 10));
    flows.back().leave_echo_unread();
  }
  context.drive_before_fault(flows, "each client's 16 KiB echoed before its process is killed");

  std::vector<TcpEndpoint> clients;
  std::vector<PeerProcess> processes;
  for (EchoFlow& flow : flows) {
    clients.push_back(flow.local_endpoint());
    processes.push_back(PeerProcess::adopt(flow.take_socket()));
  }
  double crash_time = wall_clock_seconds();
  for (PeerProcess& process : processes) process.crash();

  context.require_server_alive("peer-crash, after 8 client processes were killed");
  context.require_descriptors_at_most(
      baseline + kDescriptorTolerance, 3s,
      "the server to close the 8 connections whose client processes were killed (4 ended with "
      "FIN, 4 with RST)",
      "after the kill");
  context.require_healthy_client_served(0, "after 8 client processes were killed");

  if (context.capturing()) {
    auto segments = context.captured_segments();
    int fins = 0, resets = 0;
    for (const TcpEndpoint& client : clients) {
      for (const TcpSegment& segment :
           segments_between(segments, client, context.server_tcp_endpoint(), crash_time)) {
        fins += segment.fin() ? 1 : 0;
        resets += segment.rst() ? 1 : 0;
      }
    }
    context.observe("the killed clients' kernels closed their sockets: " + std::to_string(fins) +
                    " FIN (nothing unread) and " + std::to_string(resets) +
                    " RST (unread echo thrown away)");
  }
}

}  // namespace socklab::harness
