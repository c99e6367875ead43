#include "harness/faults/packet_faults.hpp"

#include <arpa/inet.h>

namespace socklab::harness {

NftTable silence_host(const NetNamespace& host) {
  // Priority -300: before connection tracking and any other rule, so nothing gets through.
  return NftTable(host, "socklab_silence",
                  "chain incoming { type filter hook input priority -300; policy drop; }\n"
                  "chain outgoing { type filter hook output priority -300; policy drop; }");
}

NftTable reject_flow_with_reset(const NetNamespace& client_host, const TcpEndpoint& server,
                                std::uint16_t client_port) {
  char address[INET_ADDRSTRLEN] = "";
  in_addr raw{server.address};
  ::inet_ntop(AF_INET, &raw, address, sizeof address);
  // nftables builds the RST from the rejected segment: its sequence number is that segment's
  // acknowledgment number, exactly what the server's kernel expects next, so it is accepted.
  return NftTable(client_host, "socklab_reject",
                  "chain incoming { type filter hook input priority -300; policy accept;\n"
                  "  ip saddr " + std::string(address) + " tcp sport " +
                      std::to_string(server.port) + " tcp dport " + std::to_string(client_port) +
                      " reject with tcp reset\n}");
}

}  // namespace socklab::harness
