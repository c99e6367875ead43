// Faults made of nftables rules, each in the namespace of the host where it happens.
#pragma once

#include <cstdint>

#include "harness/faults/nft_rules.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

// A crashed host, as its peers see it: every packet it would send and every packet sent to it
// is dropped inside its own namespace. No FIN, no RST, no ACK: silence. Its sockets stay as
// they were; abort them while it is silent and it comes back as a host that rebooted.
NftTable silence_host(const NetNamespace& host);

// A firewall in front of a client host that rejects one flow: each segment from `server` to
// the host's port `client_port` is dropped and answered with RST in the client's name. The
// server's kernel takes that RST for the client's own; the client's socket never hears of it.
NftTable reject_flow_with_reset(const NetNamespace& client_host, const TcpEndpoint& server,
                                std::uint16_t client_port);

}  // namespace socklab::harness
