#include "harness/trace/tcp_segment.hpp"

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace socklab::harness {

std::string TcpEndpoint::text() const {
  char dotted[INET_ADDRSTRLEN] = "";
  in_addr raw{address};
  ::inet_ntop(AF_INET, &raw, dotted, sizeof dotted);
  return std::string(dotted) + ":" + std::to_string(port);
}

double wall_clock_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool TcpSegment::syn() const { return (flags & TH_SYN) != 0; }
bool TcpSegment::fin() const { return (flags & TH_FIN) != 0; }
bool TcpSegment::rst() const { return (flags & TH_RST) != 0; }
bool TcpSegment::has_ack() const { return (flags & TH_ACK) != 0; }

std::uint32_t TcpSegment::sequence_length() const {
  return payload_bytes + (syn() ? 1 : 0) + (fin() ? 1 : 0);
}

namespace {

// TCP options are kind-length-value, except End of list (0) and No-operation (1), which are a
// single byte. A length that runs past the header ends the walk: the rest is not trusted.
void parse_tcp_options(const unsigned char* options, std::size_t length, TcpSegment& segment) {
  std::size_t at = 0;
  while (at < length) {
    unsigned kind = options[at];
    if (kind == TCPOPT_EOL) return;
    if (kind == TCPOPT_NOP) {
      ++at;
      continue;
    }
    if (at + 1 >= length) return;
    std::size_t option_length = options[at + 1];
    if (option_length < 2 || at + option_length > length) return;
    const unsigned char* value = options + at + 2;
    switch (kind) {
      case TCPOPT_MAXSEG:
        if (option_length == TCPOLEN_MAXSEG)
          segment.mss = static_cast<std::uint16_t>(value[0] << 8 | value[1]);
        break;
      case TCPOPT_WINDOW:
        if (option_length == TCPOLEN_WINDOW) segment.window_scale = value[0];
        break;
      case TCPOPT_SACK_PERMITTED:
        segment.sack_permitted = true;
        break;
      case TCPOPT_SACK:
        segment.sack_blocks = static_cast<std::uint8_t>((option_length - 2) / 8);
        break;
      case TCPOPT_TIMESTAMP:
        segment.timestamps = true;
        break;
      default:
        break;
    }
    at += option_length;
  }
}

}  // namespace

std::optional<TcpSegment> parse_ipv4_tcp(const unsigned char* ip_start, std::size_t ip_captured,
                                         double time) {
  // Headers are copied out with memcpy: a frame's bytes carry no alignment guarantee.
  iphdr ip{};
  if (ip_captured < sizeof ip) return std::nullopt;
  std::memcpy(&ip, ip_start, sizeof ip);
  std::size_t ip_header_bytes = ip.ihl * 4u;
  std::size_t ip_total_bytes = ntohs(ip.tot_len);
  // A fragment after the first carries no TCP header; the first alone does not hold the segment.
  bool fragment = (ntohs(ip.frag_off) & (IP_MF | IP_OFFMASK)) != 0;
  if (ip.version != 4 || ip.protocol != IPPROTO_TCP || fragment || ip_header_bytes < sizeof ip ||
      ip_total_bytes < ip_header_bytes) {
    return std::nullopt;
  }

  tcphdr tcp{};
  if (ip_captured < ip_header_bytes + sizeof tcp) return std::nullopt;
  std::memcpy(&tcp, ip_start + ip_header_bytes, sizeof tcp);
  std::size_t tcp_header_bytes = tcp.th_off * 4u;
  if (tcp_header_bytes < sizeof tcp || ip_total_bytes < ip_header_bytes + tcp_header_bytes) {
    return std::nullopt;
  }

  TcpSegment segment;
  segment.time = time;
  segment.source = {ip.saddr, ntohs(tcp.th_sport)};
  segment.destination = {ip.daddr, ntohs(tcp.th_dport)};
  segment.seq = ntohl(tcp.th_seq);
  segment.ack = ntohl(tcp.th_ack);
  segment.flags = tcp.th_flags;
  segment.window = ntohs(tcp.th_win);
  segment.payload_bytes =
      static_cast<std::uint32_t>(ip_total_bytes - ip_header_bytes - tcp_header_bytes);
  std::size_t options_captured =
      std::min(tcp_header_bytes, ip_captured - ip_header_bytes) - sizeof tcp;
  parse_tcp_options(ip_start + ip_header_bytes + sizeof tcp, options_captured, segment);
  return segment;
}

std::optional<TcpSegment> parse_ethernet_tcp(const unsigned char* frame, std::size_t captured_bytes,
                                             double time) {
  ether_header ethernet{};
  if (captured_bytes < sizeof ethernet) return std::nullopt;
  std::memcpy(&ethernet, frame, sizeof ethernet);
  if (ntohs(ethernet.ether_type) != ETHERTYPE_IP) return std::nullopt;
  return parse_ipv4_tcp(frame + sizeof ethernet, captured_bytes - sizeof ethernet, time);
}

}  // namespace socklab::harness
