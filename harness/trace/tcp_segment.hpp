// TcpSegment: the TCP header fields of one captured frame, which is all a wire check reads.
// Parsing stops at the TCP header, so the 256-byte snap length of the capture loses nothing.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace socklab::harness {

struct TcpEndpoint {
  in_addr_t address = 0;   // network byte order, as in the IP header
  std::uint16_t port = 0;  // host byte order
  bool operator==(const TcpEndpoint&) const = default;
  std::string text() const;  // "198.18.0.10:41234"
};

struct TcpSegment {
  double time = 0;  // seconds since the epoch, from the capture's timestamp
  TcpEndpoint source;
  TcpEndpoint destination;
  std::uint32_t seq = 0;
  std::uint32_t ack = 0;
  std::uint8_t flags = 0;           // the TH_* bits of <netinet/tcp.h>
  std::uint16_t window = 0;         // as sent, before window scaling
  std::uint32_t payload_bytes = 0;  // from the IP total length, not from what was captured
  std::uint32_t frame = 0;          // 1-based position in the capture, as Wireshark numbers frames

  // Options, as far as the capture kept them. Window scaling matters most: a window field of
  // 502 means 64256 bytes once both SYNs agreed on a shift of 7 (RFC 7323).
  std::optional<std::uint16_t> mss;
  std::optional<std::uint8_t> window_scale;
  bool sack_permitted = false;
  std::uint8_t sack_blocks = 0;
  bool timestamps = false;

  bool syn() const;
  bool fin() const;
  bool rst() const;
  bool has_ack() const;
  // Sequence space the segment occupies: its payload, plus one for SYN and one for FIN.
  std::uint32_t sequence_length() const;
};

// Now, on the clock the capture stamps segments with (TcpSegment::time): a scenario notes it
// before a fault so as to ask only about the segments that came after.
double wall_clock_seconds();

// Parses an IPv4 packet carrying TCP; nullopt for anything else (another protocol, a
// fragment, a packet cut before the end of the fixed TCP header).
std::optional<TcpSegment> parse_ipv4_tcp(const unsigned char* packet, std::size_t captured_bytes,
                                         double time);

// The same, for an Ethernet frame (ARP and IPv6 give nullopt).
std::optional<TcpSegment> parse_ethernet_tcp(const unsigned char* frame, std::size_t captured_bytes,
                                             double time);

}  // namespace socklab::harness
