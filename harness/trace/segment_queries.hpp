// Questions a scenario asks of the captured segments: which went from one endpoint to
// another, and which of them were keepalive probes, zero windows or resets.
#pragma once

#include <optional>
#include <vector>

#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

// The segments from `from` to `to` captured at or after `since` (seconds since the epoch).
std::vector<TcpSegment> segments_between(const std::vector<TcpSegment>& segments,
                                         const TcpEndpoint& from, const TcpEndpoint& to,
                                         double since = 0);

// Keepalive probes from `from` to `to` after `since`. A Linux probe carries no data and the
// sequence number just before the next one to send (RFC 1122, 4.2.3.6), so the peer, having
// acknowledged that byte already, must answer with an ACK; Wireshark flags it
// tcp.analysis.keep_alive.
int count_keepalive_probes(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                           const TcpEndpoint& to, double since);

// Segments from `from` to `to` after `since` with RST set.
int count_resets(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                 const TcpEndpoint& to, double since = 0);

// Segments from `from` to `to` after `since` that advertise a zero receive window.
int count_zero_windows(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                       const TcpEndpoint& to, double since = 0);

// The acknowledgment number of the last segment from `from` to `to`: the next byte `from`
// expects, which is the only sequence number at which a RST is accepted (RFC 5961).
std::optional<std::uint32_t> last_acknowledgment(const std::vector<TcpSegment>& segments,
                                                 const TcpEndpoint& from, const TcpEndpoint& to);

}  // namespace socklab::harness
