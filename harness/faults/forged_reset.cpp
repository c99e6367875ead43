#include "harness/faults/forged_reset.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::harness {
namespace {

// The Internet checksum (RFC 1071) over the IPv4 pseudo-header and the TCP header: the kernel
// fills in the IP header of a raw IPPROTO_TCP socket, but the TCP checksum is ours to make.
std::uint16_t tcp_checksum(const TcpEndpoint& from, const TcpEndpoint& to, const tcphdr& header) {
  std::uint32_t sum = 0;
  auto add_bytes = [&sum](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (std::size_t i = 0; i + 1 < size; i += 2) sum += (bytes[i] << 8) | bytes[i + 1];
  };
  add_bytes(&from.address, 4);
  add_bytes(&to.address, 4);
  sum += IPPROTO_TCP;
  sum += sizeof header;  // the TCP length: a header without options or payload
  add_bytes(&header, sizeof header);
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return htons(static_cast<std::uint16_t>(~sum));
}

}  // namespace

void send_forged_reset(const NetNamespace& host, const TcpEndpoint& from, const TcpEndpoint& to,
                       std::uint32_t seq) {
  Fd raw;
  {
    // A raw socket needs CAP_NET_RAW, which the harness holds in the namespaces it made.
    EnterNetNamespace inside(host);
    raw = Fd(::socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_TCP));
    if (!raw) throw_errno("socket(AF_INET, SOCK_RAW, IPPROTO_TCP) for a forged RST", errno);
  }
  tcphdr header{};
  header.th_sport = htons(from.port);
  header.th_dport = htons(to.port);
  header.th_seq = htonl(seq);
  header.th_off = sizeof header / 4;
  header.th_flags = TH_RST;  // no ACK: a RST answers no particular segment
  header.th_sum = tcp_checksum(from, to, header);

  sockaddr_in destination{};
  destination.sin_family = AF_INET;
  destination.sin_addr.s_addr = to.address;
  ssize_t sent;
  do {
    sent = ::sendto(raw.get(), &header, sizeof header, 0,
                    reinterpret_cast<const sockaddr*>(&destination), sizeof destination);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) throw_errno("sendto (a forged RST to " + to.text() + ")", errno);
}

}  // namespace socklab::harness
