// Thin, checked wrappers over the socket calls every socklab program makes. Set-up calls throw
// std::system_error naming the attempt; per-connection I/O returns an IoResult instead.
#pragma once

#include <netinet/in.h>

#include <chrono>
#include <cstdint>
#include <string>

#include "net/fd.hpp"
#include "net/io_result.hpp"

namespace socklab {

struct KeepaliveSettings {
  int idle_seconds = 0;      // TCP_KEEPIDLE: silence before the first probe
  int interval_seconds = 0;  // TCP_KEEPINTVL: between unanswered probes
  int probe_count = 0;       // TCP_KEEPCNT: unanswered probes before the kernel gives up
};

// IPv4 "a.b.c.d" and port into a sockaddr_in; throws std::invalid_argument on a bad address.
sockaddr_in ipv4_address(const std::string& host, std::uint16_t port);

// "127.0.0.1:8080".
std::string address_text(const sockaddr_in& address);

// socket, SO_REUSEADDR (so a restart does not fail on connections still in TIME_WAIT), bind,
// listen. Port 0 lets the kernel choose; local_address() tells which it chose.
Fd listen_tcp(const std::string& host, std::uint16_t port, bool nonblocking, int backlog = 4096);

// Blocking connect, for tests and tools (the nbconnect lab does the non-blocking one itself).
Fd connect_tcp(const std::string& host, std::uint16_t port);

sockaddr_in local_address(int fd);
sockaddr_in peer_address(int fd);

void set_nonblocking(int fd);
void set_nodelay(int fd);
void set_keepalive(int fd, const KeepaliveSettings& settings);
// SO_LINGER. {on, 0 s} makes close() send RST and discard unsent data (an abortive close).
void set_linger(int fd, bool on, int seconds);
// SO_RCVTIMEO and SO_SNDTIMEO: a blocking recv/send gives up with EAGAIN after this long.
void set_io_timeouts(int fd, std::chrono::milliseconds timeout);

// One recv / one send. EINTR is retried here; send uses MSG_NOSIGNAL so that writing to a peer
// that has reset returns EPIPE instead of killing the process with SIGPIPE.
IoResult receive_some(int fd, char* data, std::size_t size);
IoResult send_some(int fd, const char* data, std::size_t size);

// Raise the soft RLIMIT_NOFILE to the hard limit, as Redis and nginx do at start-up, so a
// server's capacity is its own design and not an accident of the shell's default of 1024.
void raise_open_file_limit();

}  // namespace socklab
