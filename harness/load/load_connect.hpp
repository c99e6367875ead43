// Reaching the server under load: only on this machine, and many connections at once.
#pragma once

#include <netinet/in.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "net/fd.hpp"

namespace socklab::load {

// "localhost" or a dotted quad in 127.0.0.0/8, else LoadSetupError: load traffic never leaves
// this machine, and no name other than "localhost" is resolved (a resolver could answer with
// any address).
sockaddr_in loopback_address(const std::string& host, std::uint16_t port);

// Opens `count` non-blocking connections to `server`, up to kConnectWindow handshakes at a time
// (a burst of thousands of SYNs would overflow the server's accept queue, and the kernel drops
// SYNs to a full queue, so the connects would crawl at the SYN-retransmission pace).
// Throws LoadSetupError with what the failure means in TCP terms (nothing listening, no answer
// to the SYN, no free local port, too many descriptors).
std::vector<Fd> open_connections(const sockaddr_in& server, std::size_t count);

// Why a connect to `server` failed with `error_number`, as a sentence for the user.
std::string connect_failure_text(const sockaddr_in& server, int error_number);

}  // namespace socklab::load
