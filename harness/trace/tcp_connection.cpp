#include "harness/trace/tcp_connection.hpp"

#include <map>
#include <tuple>

#include "harness/trace/tcp_analysis.hpp"

namespace socklab::harness {

Side other(Side side) { return side == Side::client ? Side::server : Side::client; }
const char* side_name(Side side) { return side == Side::client ? "client" : "server"; }

std::string TcpConnection::title() const {
  return std::string("client ") + client.text() + " -> server " + server.text() +
         (roles_from_handshake ? "" : " (handshake not captured: roles guessed from the ports)");
}

std::uint64_t TcpConnection::data_bytes(Side side) const {
  std::uint32_t highest_end = 1;  // relative: data starts at 1
  for (const ConnectionSegment& entry : segments) {
    if (entry.from != side || entry.segment.payload_bytes == 0) continue;
    std::uint32_t end = entry.relative_seq + entry.segment.payload_bytes;
    if (static_cast<std::int32_t>(end - highest_end) > 0) highest_end = end;
  }
  return highest_end - 1;
}

namespace {

// The same key whichever direction a segment goes.
using FlowKey = std::tuple<in_addr_t, std::uint16_t, in_addr_t, std::uint16_t>;
FlowKey key_of(const TcpSegment& segment) {
  auto a = std::make_tuple(segment.source.address, segment.source.port);
  auto b = std::make_tuple(segment.destination.address, segment.destination.port);
  if (b < a) std::swap(a, b);
  return {std::get<0>(a), std::get<1>(a), std::get<0>(b), std::get<1>(b)};
}

bool opens_connection(const TcpSegment& segment) { return segment.syn() && !segment.has_ack(); }

// Who is the client, from the first segment of a connection: the sender of a SYN, the
// receiver of a SYN-ACK, else the side with the higher (ephemeral) port.
TcpConnection connection_for(const TcpSegment& first) {
  TcpConnection connection;
  if (first.syn()) {
    bool sender_is_client = !first.has_ack();
    connection.client = sender_is_client ? first.source : first.destination;
    connection.server = sender_is_client ? first.destination : first.source;
    return connection;
  }
  connection.roles_from_handshake = false;
  bool sender_is_client = first.source.port >= first.destination.port;
  connection.client = sender_is_client ? first.source : first.destination;
  connection.server = sender_is_client ? first.destination : first.source;
  return connection;
}

// Relative sequence numbers count from each side's initial sequence number (the SYN is 0,
// the first data byte 1); when the SYN was not captured, the first byte seen is 1.
void number_relatively(TcpConnection& connection) {
  std::optional<std::uint32_t> base[2];
  for (const ConnectionSegment& entry : connection.segments) {
    auto& own = base[static_cast<int>(entry.from)];
    if (!own) own = entry.segment.syn() ? entry.segment.seq : entry.segment.seq - 1;
  }
  // Window scaling is in force only when both SYNs carried the option (RFC 7323, 2.2);
  // segments with SYN set are never scaled.
  std::optional<std::uint8_t> shift[2];
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.segment.syn())
      shift[static_cast<int>(entry.from)] = entry.segment.window_scale.value_or(255);
  }
  bool scaling = shift[0] && shift[1] && *shift[0] != 255 && *shift[1] != 255;
  double start = connection.segments.empty() ? 0 : connection.segments.front().segment.time;
  for (ConnectionSegment& entry : connection.segments) {
    int own = static_cast<int>(entry.from);
    int peer = 1 - own;
    entry.since_start = entry.segment.time - start;
    entry.relative_seq = entry.segment.seq - base[own].value_or(0);
    entry.relative_ack = entry.segment.has_ack() ? entry.segment.ack - base[peer].value_or(0) : 0;
    entry.window_bytes = entry.segment.window;
    if (scaling && !entry.segment.syn()) entry.window_bytes <<= std::min<int>(*shift[own], 14);
  }
}

}  // namespace

std::vector<TcpConnection> split_connections(const std::vector<TcpSegment>& segments) {
  std::vector<TcpConnection> connections;
  std::map<FlowKey, std::size_t> open;  // 4-tuple -> index of its latest connection
  for (const TcpSegment& segment : segments) {
    FlowKey key = key_of(segment);
    auto found = open.find(key);
    bool reused = false;
    if (found != open.end() && opens_connection(segment)) {
      // A SYN again: a retransmission if its sequence number is the first SYN's, else a new
      // connection on the same ports.
      const TcpConnection& previous = connections[found->second];
      const TcpSegment& first = previous.segments.front().segment;
      reused = !(first.syn() && !first.has_ack() && first.seq == segment.seq);
    }
    if (found == open.end() || reused) {
      connections.push_back(connection_for(segment));
      open[key] = connections.size() - 1;
      found = open.find(key);
    }
    TcpConnection& connection = connections[found->second];
    ConnectionSegment entry;
    entry.segment = segment;
    entry.from = segment.source == connection.client ? Side::client : Side::server;
    if (reused && connection.segments.empty()) entry.analysis |= kReusedPorts;
    connection.segments.push_back(entry);
  }
  for (TcpConnection& connection : connections) {
    number_relatively(connection);
    analyze_connection(connection);
  }
  return connections;
}

}  // namespace socklab::harness
