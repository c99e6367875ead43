// Socket helpers for unit tests. A connected pair of non-blocking Unix stream sockets: a byte stream like TCP,
// without the network stack's timing, so what one side sends is queued at the other before
// send() returns and the tests need no waiting.
#pragma once

#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <string>
#include <string_view>

#include "net/errno_text.hpp"
#include "net/fd.hpp"
#include "net/io_result.hpp"
#include "net/socket.hpp"

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

inline void set_buffer_size(int fd, int option, int bytes) {
  if (::setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes) != 0) {
    throw_errno("setsockopt", errno);
  }
}

// Bytes waiting in fd's receive queue (SIOCINQ, the same request as FIONREAD).
inline std::size_t queued_bytes(int fd) {
  int count = 0;
  if (::ioctl(fd, FIONREAD, &count) != 0) throw_errno("ioctl(FIONREAD)", errno);
  return static_cast<std::size_t>(count);
}

// Sends as much of `bytes` as the kernel takes without blocking; returns how many it took.
inline std::size_t send_without_blocking(int fd, std::string_view bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    IoResult result = send_some(fd, bytes.data() + sent, bytes.size() - sent);
    if (result.status != IoStatus::transferred) break;
    sent += result.bytes;
  }
  return sent;
}

// Everything queued for reading on a non-blocking `fd` now (until EAGAIN, EOF or an error).
inline std::string receive_queued(int fd) {
  std::string received;
  char chunk[16 * 1024];
  for (;;) {
    IoResult result = receive_some(fd, chunk, sizeof chunk);
    if (result.status != IoStatus::transferred) return received;
    received.append(chunk, result.bytes);
  }
}

}  // namespace socklab
