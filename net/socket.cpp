#include "net/socket.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>

#include "net/errno_text.hpp"

namespace socklab {
namespace {

void set_int_option(int fd, int level, int name, int value, const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof value) != 0) throw_errno(what, errno);
}

}  // namespace

sockaddr_in ipv4_address(const std::string& host, std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  // RFC 6761: "localhost" is the loopback address, with or without an /etc/hosts that says so
  // (a minimal container may have none).
  const std::string numeric = host == "localhost" ? "127.0.0.1" : host;
  if (::inet_pton(AF_INET, numeric.c_str(), &address.sin_addr) == 1) return address;
  // Not a dotted quad: let the resolver turn a name such as "localhost" into an IPv4 address.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found); rc != 0) {
    throw std::invalid_argument("cannot resolve '" + host + "' to an IPv4 address: " +
                                ::gai_strerror(rc));
  }
  address.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
  ::freeaddrinfo(found);
  return address;
}

std::string address_text(const sockaddr_in& address) {
  char text[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &address.sin_addr, text, sizeof text);
  return std::string(text) + ":" + std::to_string(ntohs(address.sin_port));
}

Fd listen_tcp(const std::string& host, std::uint16_t port, bool nonblocking, int backlog) {
  sockaddr_in address = ipv4_address(host, port);
  int type = SOCK_STREAM | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  Fd listener(::socket(AF_INET, type, 0));
  if (!listener) throw_errno("socket", errno);
  set_int_option(listener.get(), SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)");
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw_errno("bind " + address_text(address), errno);
  }
  if (::listen(listener.get(), backlog) != 0) throw_errno("listen", errno);
  return listener;
}

Fd connect_tcp(const std::string& host, std::uint16_t port) {
  sockaddr_in address = ipv4_address(host, port);
  Fd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) throw_errno("socket", errno);
  if (::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (errno != EINTR) throw_errno("connect " + address_text(address), errno);
    // A blocking connect interrupted by a signal goes on in the background, and calling connect
    // again would only report EALREADY: wait for writability and read the outcome instead.
    pollfd writable{socket_fd.get(), POLLOUT, 0};
    while (::poll(&writable, 1, -1) < 0) {
      if (errno != EINTR) throw_errno("poll", errno);
    }
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) throw_errno("connect " + address_text(address), error);
  }
  return socket_fd;
}

sockaddr_in local_address(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("getsockname", errno);
  }
  return address;
}

sockaddr_in peer_address(int fd) {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("getpeername", errno);
  }
  return address;
}

void set_nonblocking(int fd) {
  int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) throw_errno("fcntl(F_GETFL)", errno);
  if (::fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0) throw_errno("fcntl(F_SETFL, O_NONBLOCK)", errno);
}

void set_nodelay(int fd) { set_int_option(fd, IPPROTO_TCP, TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)"); }

void set_keepalive(int fd, const KeepaliveSettings& settings) {
  set_int_option(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "setsockopt(SO_KEEPALIVE)");
  set_int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, settings.idle_seconds, "setsockopt(TCP_KEEPIDLE)");
  set_int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, settings.interval_seconds,
                 "setsockopt(TCP_KEEPINTVL)");
  set_int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, settings.probe_count, "setsockopt(TCP_KEEPCNT)");
}

void set_linger(int fd, bool on, int seconds) {
  linger value{on ? 1 : 0, seconds};
  if (::setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, sizeof value) != 0) {
    throw_errno("setsockopt(SO_LINGER)", errno);
  }
}

void set_io_timeouts(int fd, std::chrono::milliseconds timeout) {
  timeval value{};
  value.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  value.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, sizeof value) != 0) {
    throw_errno("setsockopt(SO_RCVTIMEO)", errno);
  }
  if (::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, sizeof value) != 0) {
    throw_errno("setsockopt(SO_SNDTIMEO)", errno);
  }
}

IoResult receive_some(int fd, char* data, std::size_t size) {
  for (;;) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n > 0) return IoResult::transferred(static_cast<std::size_t>(n));
    if (n == 0) return IoResult::end_of_stream();
    if (errno == EINTR) continue;  // a signal arrived before any byte did: just ask again
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::would_block();
    return IoResult::failed(errno);
  }
}

IoResult send_some(int fd, const char* data, std::size_t size) {
  for (;;) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n >= 0) return IoResult::transferred(static_cast<std::size_t>(n));
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::would_block();
    return IoResult::failed(errno);
  }
}

void raise_open_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw_errno("getrlimit(RLIMIT_NOFILE)", errno);
  if (limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) throw_errno("setrlimit(RLIMIT_NOFILE)", errno);
}

}  // namespace socklab
