// TcpConnection: the segments of one TCP connection, seen the way Wireshark shows them:
// client and server roles from the SYN, sequence numbers relative to each side's initial
// sequence number, windows scaled, and each segment's tcp.analysis flags.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/trace/analysis_flags.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

enum class Side { client, server };
Side other(Side side);
const char* side_name(Side side);  // "client", "server"

struct ConnectionSegment {
  TcpSegment segment;
  Side from = Side::client;
  double since_start = 0;          // seconds since the connection's first segment
  std::uint32_t relative_seq = 0;  // 0 is the SYN, 1 the first data byte
  std::uint32_t relative_ack = 0;  // relative to the other side's initial sequence number
  std::uint64_t window_bytes = 0;  // the window field, scaled when both SYNs agreed to scale
  AnalysisFlags analysis = 0;      // tcp.analysis flags, as Wireshark would set them
};

struct TcpConnection {
  TcpEndpoint client;
  TcpEndpoint server;
  // False when the capture started after the handshake: the roles are then a guess (the
  // lower port is taken for the server's).
  bool roles_from_handshake = true;
  std::vector<ConnectionSegment> segments;

  const TcpEndpoint& endpoint(Side side) const { return side == Side::client ? client : server; }
  std::string title() const;
  // Data bytes one side sent, by sequence space: retransmitted bytes count once.
  std::uint64_t data_bytes(
      Side side) const;  // "client 198.18.0.10:33616 -> server 198.18.0.1:43777"
};

// Splits the segments into connections, in the order their first segment was captured. A
// SYN with a new initial sequence number on a 4-tuple already seen starts a new connection
// (Wireshark: tcp.analysis.reused_ports).
std::vector<TcpConnection> split_connections(const std::vector<TcpSegment>& segments);

}  // namespace socklab::harness
