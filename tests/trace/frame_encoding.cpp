#include "tests/trace/frame_encoding.hpp"

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>

#include <stdexcept>

namespace socklab::trace_test {
namespace {

void put_u8(Bytes& out, unsigned value) { out.push_back(static_cast<unsigned char>(value & 0xff)); }
void put_u16(Bytes& out, unsigned value) {
  put_u8(out, value >> 8);
  put_u8(out, value);
}
void put_u32(Bytes& out, std::uint32_t value) {
  put_u16(out, value >> 16);
  put_u16(out, value & 0xffff);
}
void put_bytes(Bytes& out, const Bytes& more) { out.insert(out.end(), more.begin(), more.end()); }

// The addresses and ports in the direction the frame travels, host byte order.
struct Direction {
  std::uint32_t source_address;
  std::uint16_t source_port;
  std::uint32_t destination_address;
  std::uint16_t destination_port;
};

std::uint32_t parse_ipv4(const std::string& dotted) {
  in_addr address{};
  if (::inet_pton(AF_INET, dotted.c_str(), &address) != 1) {
    throw std::invalid_argument("not an IPv4 address: " + dotted);
  }
  return ntohl(address.s_addr);
}

Direction direction_of(const SyntheticFrame& frame) {
  const Endpoints& ends = frame.endpoints;
  Direction client_to_server{parse_ipv4(ends.client_address), ends.client_port,
                             parse_ipv4(ends.server_address), ends.server_port};
  if (frame.from == From::client) return client_to_server;
  return {client_to_server.destination_address, client_to_server.destination_port,
          client_to_server.source_address, client_to_server.source_port};
}

// A locally administered MAC address (02:...) made from the IPv4 address, so that each host
// keeps one address through the capture.
Bytes mac_of(std::uint32_t address) {
  Bytes mac{0x02, 0x00};
  put_u32(mac, address);
  return mac;
}

// The Internet checksum (RFC 1071): the ones' complement of the ones' complement sum of the
// 16-bit words. Correct checksums keep Wireshark from marking the frames as bad.
std::uint16_t internet_checksum(const Bytes& bytes) {
  std::uint32_t sum = 0;
  for (std::size_t i = 0; i + 1 < bytes.size(); i += 2) {
    sum += static_cast<unsigned>(bytes[i] << 8 | bytes[i + 1]);
  }
  if (bytes.size() % 2 != 0) sum += static_cast<unsigned>(bytes.back() << 8);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum);
}

// TCP and UDP checksums cover a pseudo-header of addresses, protocol and length (RFC 793, 3.1).
std::uint16_t transport_checksum(const Direction& direction, unsigned protocol,
                                 const Bytes& segment) {
  Bytes summed;
  put_u32(summed, direction.source_address);
  put_u32(summed, direction.destination_address);
  put_u8(summed, 0);
  put_u8(summed, protocol);
  put_u16(summed, static_cast<unsigned>(segment.size()));
  put_bytes(summed, segment);
  return internet_checksum(summed);
}

void store_u16(Bytes& bytes, std::size_t at, std::uint16_t value) {
  bytes[at] = static_cast<unsigned char>(value >> 8);
  bytes[at + 1] = static_cast<unsigned char>(value & 0xff);
}

// Options in the order Linux puts them on a SYN: MSS, SACK permitted, timestamps, window scale.
Bytes tcp_options(const SyntheticFrame& frame) {
  Bytes options;
  if (frame.mss_option) {
    put_u8(options, TCPOPT_MAXSEG);
    put_u8(options, TCPOLEN_MAXSEG);
    put_u16(options, *frame.mss_option);
  }
  if (frame.sack_permitted_option) {
    put_u8(options, TCPOPT_SACK_PERMITTED);
    put_u8(options, TCPOLEN_SACK_PERMITTED);
  }
  if (frame.timestamp_value) {
    put_u8(options, TCPOPT_TIMESTAMP);
    put_u8(options, TCPOLEN_TIMESTAMP);
    put_u32(options, *frame.timestamp_value);
    put_u32(options, frame.timestamp_echo_reply);
  }
  if (frame.window_scale_option) {
    put_u8(options, TCPOPT_NOP);
    put_u8(options, TCPOPT_WINDOW);
    put_u8(options, TCPOLEN_WINDOW);
    put_u8(options, *frame.window_scale_option);
  }
  // The data offset counts 32-bit words: End of option list fills the last one.
  while (options.size() % 4 != 0) put_u8(options, TCPOPT_EOL);
  return options;
}

Bytes tcp_segment(const SyntheticFrame& frame, const Direction& direction) {
  Bytes options = tcp_options(frame);
  Bytes segment;
  put_u16(segment, direction.source_port);
  put_u16(segment, direction.destination_port);
  put_u32(segment, frame.seq_number);
  put_u32(segment, frame.ack_number);
  put_u8(segment, static_cast<unsigned>((20 + options.size()) / 4) << 4);  // data offset
  put_u8(segment, frame.tcp_flags);
  put_u16(segment, frame.window_field);
  put_u16(segment, 0);  // checksum, filled in below
  put_u16(segment, 0);  // urgent pointer
  put_bytes(segment, options);
  segment.resize(segment.size() + frame.payload_bytes, 0);
  store_u16(segment, 16, transport_checksum(direction, IPPROTO_TCP, segment));
  return segment;
}

Bytes udp_datagram(const SyntheticFrame& frame, const Direction& direction) {
  Bytes datagram;
  put_u16(datagram, direction.source_port);
  put_u16(datagram, direction.destination_port);
  put_u16(datagram, 8 + frame.payload_bytes);
  put_u16(datagram, 0);
  datagram.resize(datagram.size() + frame.payload_bytes, 0);
  store_u16(datagram, 6, transport_checksum(direction, IPPROTO_UDP, datagram));
  return datagram;
}

Bytes ipv4_packet(unsigned protocol, const Direction& direction, const Bytes& payload,
                  std::uint16_t id) {
  std::size_t total_length = 20 + payload.size();
  if (total_length > 0xffff) {
    throw std::invalid_argument("a synthetic IPv4 packet must fit in 65535 bytes");
  }
  Bytes packet;
  put_u8(packet, 0x45);  // version 4, 5-word header
  put_u8(packet, 0);
  put_u16(packet, static_cast<unsigned>(total_length));
  put_u16(packet, id);
  put_u16(packet, 0x4000);  // Don't Fragment, as Linux sends TCP (path MTU discovery)
  put_u8(packet, 64);       // TTL
  put_u8(packet, protocol);
  put_u16(packet, 0);  // header checksum, filled in below
  put_u32(packet, direction.source_address);
  put_u32(packet, direction.destination_address);
  store_u16(packet, 10, internet_checksum(packet));
  put_bytes(packet, payload);
  return packet;
}

// "Who has <server>? Tell <client>": an ARP request, the one non-IP frame every LAN carries.
Bytes arp_request(const Direction& direction) {
  Bytes arp;
  put_u16(arp, 1);  // hardware: Ethernet
  put_u16(arp, ETHERTYPE_IP);
  put_u8(arp, 6);
  put_u8(arp, 4);
  put_u16(arp, 1);  // request
  put_bytes(arp, mac_of(direction.source_address));
  put_u32(arp, direction.source_address);
  put_bytes(arp, Bytes(6, 0));
  put_u32(arp, direction.destination_address);
  return arp;
}

Bytes link_frame(LinkType link, unsigned ethertype, const SyntheticFrame& frame,
                 const Direction& direction, const Bytes& packet) {
  Bytes bytes;
  switch (link) {
    case LinkType::ethernet:
      put_bytes(bytes, ethertype == ETHERTYPE_ARP ? Bytes(6, 0xff)
                                                  : mac_of(direction.destination_address));
      put_bytes(bytes, mac_of(direction.source_address));
      put_u16(bytes, ethertype);
      break;
    case LinkType::linux_cooked:
      // Captured on the client's host: what the client sends is outgoing (4), the rest is
      // addressed to this host (0).
      put_u16(bytes, frame.from == From::client ? 4 : 0);
      put_u16(bytes, 1);  // ARPHRD_ETHER
      put_u16(bytes, 6);  // link-layer address length
      put_bytes(bytes, mac_of(direction.source_address));
      put_u16(bytes, 0);  // the address field holds 8 bytes
      put_u16(bytes, ethertype);
      break;
    case LinkType::raw_ip:
      if (ethertype != ETHERTYPE_IP) {
        throw std::invalid_argument("a raw IP capture holds only IP packets");
      }
      break;
  }
  put_bytes(bytes, packet);
  return bytes;
}

}  // namespace

Bytes encode_frame(const SyntheticFrame& frame, LinkType link, std::uint16_t ip_id) {
  Direction direction = direction_of(frame);
  switch (frame.kind) {
    case SyntheticFrame::Kind::arp:
      return link_frame(link, ETHERTYPE_ARP, frame, direction, arp_request(direction));
    case SyntheticFrame::Kind::udp:
      return link_frame(link, ETHERTYPE_IP, frame, direction,
                        ipv4_packet(IPPROTO_UDP, direction, udp_datagram(frame, direction), ip_id));
    case SyntheticFrame::Kind::tcp:
      break;
  }
  return link_frame(link, ETHERTYPE_IP, frame, direction,
                    ipv4_packet(IPPROTO_TCP, direction, tcp_segment(frame, direction), ip_id));
}

}  // namespace socklab::trace_test
