// A connected pair of non-blocking Unix stream sockets for unit tests: a byte stream like TCP,
// without the network stack's timing, so what one side sends is queued at the other before
// send() returns and the tests need no waiting.
#pragma once

#include <sys/socket.h>

#include <cerrno>

#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab {

struct SocketPair {
  Fd ours;
  Fd peer;
};

inline SocketPair make_socket_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    throw_errno("socketpair", errno);
  }
  return {Fd(fds[0]), Fd(fds[1])};
}

}  // namespace socklab
