#include "harness/trace/tcp_segment.hpp"

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>

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

std::optional<TcpSegment> parse_ethernet_tcp(const unsigned char* frame, std::size_t captured_bytes,
                                             double time) {
  // Headers are copied out with memcpy: a frame's bytes carry no alignment guarantee.
  ether_header ethernet{};
  if (captured_bytes < sizeof ethernet) return std::nullopt;
  std::memcpy(&ethernet, frame, sizeof ethernet);
  if (ntohs(ethernet.ether_type) != ETHERTYPE_IP) return std::nullopt;

  const unsigned char* ip_start = frame + sizeof ethernet;
  std::size_t ip_captured = captured_bytes - sizeof ethernet;
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
  segment.payload_bytes = static_cast<std::uint32_t>(ip_total_bytes - ip_header_bytes - tcp_header_bytes);
  return segment;
}

}  // namespace socklab::harness
