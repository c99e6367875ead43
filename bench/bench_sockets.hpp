// Connected socket pairs for the micro-benchmarks: a Unix stream pair (a byte stream without the
// TCP stack) and a loopback TCP pair (what a server really reads from), both owned by Fd.
#pragma once

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/errno_text.hpp"
#include "net/fd.hpp"
#include "net/socket.hpp"

namespace socklab::bench {

struct SocketPair {
  Fd client;
  Fd server;
};

inline SocketPair unix_stream_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    throw_errno("socketpair", errno);
  }
  return {Fd(fds[0]), Fd(fds[1])};
}

// 127.0.0.1 on a port the kernel picks, accepted at once; TCP_NODELAY on both ends, as socklab
// load and the servers set it, so a small write is one segment sent now and not after an ACK.
inline SocketPair loopback_tcp_pair() {
  Fd listener = listen_tcp("127.0.0.1", 0, /*nonblocking=*/false, 1);
  Fd client = connect_tcp("127.0.0.1", ntohs(local_address(listener.get()).sin_port));
  int accepted = -1;
  do {
    accepted = ::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC);
  } while (accepted < 0 && errno == EINTR);
  if (accepted < 0) throw_errno("accept4", errno);
  Fd server(accepted);
  set_nodelay(client.get());
  set_nodelay(server.get());
  return {std::move(client), std::move(server)};
}

// Minor page faults of this process so far: a buffer that gives its memory back pays one fault
// per 4 KiB page when it grows again.
inline long minor_page_faults() {
  rusage usage{};
  if (::getrusage(RUSAGE_SELF, &usage) != 0) throw_errno("getrusage", errno);
  return usage.ru_minflt;
}

}  // namespace socklab::bench
