// Facts a scenario asserts on the wire, read from the live capture through the connection
// model: how much of a sender's data its peer acknowledged, when a side closed and with what,
// whether anything was sent after a RST. Each returns what it saw; the scenario turns that
// into a verdict in its own words.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

// The latest connection whose client is `client`; nullopt when none was captured.
std::optional<TcpConnection> connection_of(const std::vector<TcpSegment>& segments,
                                           const TcpEndpoint& client);
// The same among connections already split; null when there is none.
const TcpConnection* latest_connection_of(const std::vector<TcpConnection>& connections,
                                          const TcpEndpoint& client);

// Bytes of `sender`'s data that the other side acknowledged: what its TCP took in. A server
// that stops reading stops acknowledging once its receive buffer is full (zero window).
std::uint64_t bytes_acknowledged(const TcpConnection& connection, Side sender);

struct Closing {
  bool fin = false;
  bool rst = false;
  std::uint64_t data_bytes_before = 0;  // data the side had sent when it closed
};
// How `side` closed: its first FIN or RST, and how much data it had sent by then.
Closing closing_of(const TcpConnection& connection, Side side);

// True when `side` sent data or a FIN after it had received a RST from its peer.
bool sent_after_reset(const TcpConnection& connection, Side side);

// Seconds since the first SYN of each SYN the client sent (1 element: no retransmission).
std::vector<double> syn_times(const TcpConnection& connection);

// Seconds since the connection began of each keepalive probe `side` sent while its peer's
// window was open (Linux's zero window probes have the same shape and are left out).
std::vector<double> keepalive_probe_times(const TcpConnection& connection, Side side);

}  // namespace socklab::harness
