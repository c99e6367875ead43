#include "harness/load/load_connect.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <chrono>

#include "harness/load/load_setup_error.hpp"
#include "harness/load/monotonic_clock.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::load {
namespace {

constexpr std::size_t kConnectWindow = 256;
// The kernel retries an unanswered SYN for about two minutes; a load run gives up far sooner.
constexpr std::uint64_t kHandshakeTimeoutNs = 10'000'000'000;

[[noreturn]] void fail_connect(const sockaddr_in& server, int error_number) {
  throw LoadSetupError(connect_failure_text(server, error_number));
}

// A non-blocking connect that has not failed outright: EINPROGRESS is not an error, the
// handshake goes on in the kernel and poll() tells when it is over. Returns false when the
// connection is already established (loopback can be that quick).
bool start_connect(const sockaddr_in& server, Fd& socket_fd) {
  socket_fd = Fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket_fd) fail_connect(server, errno);
  if (::connect(socket_fd.get(), reinterpret_cast<const sockaddr*>(&server), sizeof server) == 0) {
    return false;
  }
  // EINTR on a non-blocking connect: the handshake still goes on, exactly as with EINPROGRESS.
  if (errno == EINPROGRESS || errno == EINTR) return true;
  fail_connect(server, errno);
}

}  // namespace

sockaddr_in loopback_address(const std::string& host, std::uint16_t port) {
  const std::string numeric = host == "localhost" ? "127.0.0.1" : host;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  if (::inet_pton(AF_INET, numeric.c_str(), &address.sin_addr) != 1 ||
      (ntohl(address.sin_addr.s_addr) >> 24) != 127) {
    throw LoadSetupError("--host must be a loopback address (127.0.0.0/8, or localhost), got '" +
                         host +
                         "': socklab load sends its traffic only to servers on this machine");
  }
  return address;
}

std::string connect_failure_text(const sockaddr_in& server, int error_number) {
  const std::string where = address_text(server);
  switch (error_number) {
    case ECONNREFUSED:
      return "nothing listens on " + where +
             ": the kernel answered our SYN with RST (connection refused); start the server "
             "first, or check --port";
    case ETIMEDOUT:
      return "no answer to our SYN from " + where +
             " within 10 s: the server's accept queue "
             "(listen backlog) is probably full and the kernel drops SYNs to it";
    case EADDRNOTAVAIL:
      return "no free local port to connect to " + where +
             " from (EADDRNOTAVAIL): the ephemeral port range (net.ipv4.ip_local_port_range) is "
             "used up, often by earlier connections still in TIME_WAIT";
    case EMFILE:
    case ENFILE:
      return "out of file descriptors while connecting to " + where + " (" +
             errno_name(error_number) + "): lower -c or --idle, or raise `ulimit -n`";
    default:
      return "connect to " + where + " failed: " + errno_text(error_number);
  }
}

std::vector<Fd> open_connections(const sockaddr_in& server, std::size_t count) {
  std::vector<Fd> established;
  established.reserve(count);
  std::vector<Fd> handshaking;
  std::vector<pollfd> watched;
  std::uint64_t give_up_ns = monotonic_ns() + kHandshakeTimeoutNs;
  while (established.size() < count) {
    while (handshaking.size() < kConnectWindow && established.size() + handshaking.size() < count) {
      Fd socket_fd;
      if (start_connect(server, socket_fd)) {
        handshaking.push_back(std::move(socket_fd));
      } else {
        established.push_back(std::move(socket_fd));
      }
    }
    if (handshaking.empty()) continue;
    watched.clear();
    for (const Fd& socket_fd : handshaking) watched.push_back({socket_fd.get(), POLLOUT, 0});
    const std::uint64_t now_ns = monotonic_ns();
    if (now_ns >= give_up_ns) fail_connect(server, ETIMEDOUT);
    const int timeout_ms = static_cast<int>((give_up_ns - now_ns) / 1'000'000 + 1);
    const int ready = ::poll(watched.data(), watched.size(), timeout_ms);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw_errno("poll", errno);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < handshaking.size(); ++i) {
      if (watched[i].revents == 0) {
        handshaking[kept++] = std::move(handshaking[i]);
        continue;
      }
      // The handshake is over, one way or the other: SO_ERROR holds its outcome.
      int error = 0;
      socklen_t length = sizeof error;
      if (::getsockopt(handshaking[i].get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
        error = errno;
      }
      if (error != 0) fail_connect(server, error);
      established.push_back(std::move(handshaking[i]));
    }
    handshaking.resize(kept);
    if (ready > 0) give_up_ns = monotonic_ns() + kHandshakeTimeoutNs;
  }
  return established;
}

}  // namespace socklab::load
