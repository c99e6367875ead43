// A forged RST: a segment the client's kernel never sent, written by hand on a raw socket in
// the client's host, as an attacker on the path (or a middlebox) would. Whether the server's
// kernel accepts it depends only on its sequence number (RFC 5961, section 3.2): exactly the
// next expected byte resets the connection; anywhere else in the receive window earns a
// "challenge ACK" instead, and the connection lives on.
#pragma once

#include <cstdint>

#include "harness/sandbox/net_namespace.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

// Sends one RST from `from` to `to` with sequence number `seq`, from inside `host` (where
// `from`'s address is local). Throws std::system_error if the raw socket cannot be used.
void send_forged_reset(const NetNamespace& host, const TcpEndpoint& from, const TcpEndpoint& to,
                       std::uint32_t seq);

}  // namespace socklab::harness
