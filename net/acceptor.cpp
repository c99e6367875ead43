#include "net/acceptor.hpp"

#include <fcntl.h>
#include <sys/socket.h>

#include <cerrno>

#include "net/errno_text.hpp"

namespace socklab {
namespace {

Fd open_reserve() {
  Fd reserve(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  // Without it an EMFILE leaves the connection queued and a level-triggered loop spinning.
  if (!reserve) throw_errno("open /dev/null (the descriptor kept in reserve for EMFILE)", errno);
  return reserve;
}

}  // namespace

Acceptor::Acceptor(Fd listener, bool nonblocking_connections)
    : listener_(std::move(listener)),
      nonblocking_connections_(nonblocking_connections),
      reserve_(open_reserve()) {}

AcceptOutcome Acceptor::accept_one() {
  int flags = SOCK_CLOEXEC | (nonblocking_connections_ ? SOCK_NONBLOCK : 0);
  int fd = ::accept4(listener_.get(), nullptr, nullptr, flags);
  if (fd >= 0) return {AcceptStatus::accepted, Fd(fd)};
  int error_number = errno;
  switch (error_number) {
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
      return {AcceptStatus::queue_empty, Fd()};
    // accept(2): Linux reports errors already pending on the new connection (the client sent
    // RST before we accepted, the route went away) as accept's own error. The listener is fine.
    case EINTR:
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case ENOBUFS:
    case ENOMEM:
    case EPERM:  // a firewall rule refused the connection
      return {AcceptStatus::retry, Fd(), error_number};
    case EMFILE:
    case ENFILE: {
      reserve_.reset();
      Fd doomed(::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC));
      doomed.reset();  // closed at once: the client sees the connection end instead of hanging
      reserve_ = open_reserve();
      return {AcceptStatus::out_of_fds, Fd(), error_number};
    }
    case EINVAL:
      return {AcceptStatus::listener_closed, Fd(), error_number};
    default:
      throw_errno("accept", error_number);
  }
}

}  // namespace socklab
