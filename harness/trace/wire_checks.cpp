#include "harness/trace/wire_checks.hpp"

#include <algorithm>

namespace socklab::harness {

std::optional<TcpConnection> connection_of(const std::vector<TcpSegment>& segments,
                                           const TcpEndpoint& client) {
  std::vector<TcpSegment> own;
  for (const TcpSegment& segment : segments) {
    if (segment.source == client || segment.destination == client) own.push_back(segment);
  }
  std::vector<TcpConnection> connections = split_connections(own);
  const TcpConnection* latest = latest_connection_of(connections, client);
  return latest ? std::optional<TcpConnection>(*latest) : std::nullopt;
}

const TcpConnection* latest_connection_of(const std::vector<TcpConnection>& connections,
                                          const TcpEndpoint& client) {
  for (auto it = connections.rbegin(); it != connections.rend(); ++it) {
    if (it->client == client) return &*it;
  }
  return nullptr;
}

std::uint64_t bytes_acknowledged(const TcpConnection& connection, Side sender) {
  std::uint32_t highest = 1;  // relative: the first data byte is 1
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.from == sender || !entry.segment.has_ack() || entry.segment.rst()) continue;
    if (static_cast<std::int32_t>(entry.relative_ack - highest) > 0) highest = entry.relative_ack;
  }
  // A FIN takes one sequence number too: the acknowledgment of it is not data.
  std::uint64_t data = connection.data_bytes(sender);
  return std::min<std::uint64_t>(highest - 1, data);
}

Closing closing_of(const TcpConnection& connection, Side side) {
  Closing closing;
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.from != side || !(entry.segment.fin() || entry.segment.rst())) continue;
    closing.fin = entry.segment.fin();
    closing.rst = entry.segment.rst();
    // A FIN or RST carries the next sequence number: everything before it was sent, whether
    // or not the capture kept every data segment. Data in the same segment comes first.
    closing.data_bytes_before = entry.relative_seq - 1 + entry.segment.payload_bytes;
    break;
  }
  return closing;
}

bool sent_after_reset(const TcpConnection& connection, Side side) {
  bool reset_received = false;
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.from != side && entry.segment.rst()) reset_received = true;
    if (entry.from == side && reset_received && !entry.segment.rst() &&
        (entry.segment.payload_bytes > 0 || entry.segment.fin())) {
      return true;
    }
  }
  return false;
}

std::vector<double> syn_times(const TcpConnection& connection) {
  std::vector<double> times;
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.from == Side::client && entry.segment.syn() && !entry.segment.has_ack()) {
      times.push_back(entry.since_start);
    }
  }
  return times;
}

std::vector<double> keepalive_probe_times(const TcpConnection& connection, Side side) {
  // Linux sends a keepalive probe only after hearing nothing from its peer for TCP_KEEPIDLE (1 s
  // at least). A zero window probe can follow the peer's last segment closely: the peer's window
  // update and the probe cross on the wire, and the capture shows the window open before the
  // probe. Half the least keepalive time tells the two apart.
  constexpr double kLeastSilenceBeforeProbe = 0.5;
  std::vector<double> times;
  std::uint64_t peer_window = 1;
  double peer_last_heard = 0;
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.from != side) {
      peer_window = entry.window_bytes;
      peer_last_heard = entry.since_start;
    } else if ((entry.analysis & kKeepAlive) && peer_window != 0 &&
               entry.since_start - peer_last_heard >= kLeastSilenceBeforeProbe) {
      times.push_back(entry.since_start);
    }
  }
  return times;
}

}  // namespace socklab::harness
