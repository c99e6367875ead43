#include "harness/engine/target_servers.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::harness {
namespace {

constexpr std::uint64_t kStopKey = ~0ull;

// One accepted connection of a responder: bytes received so far, up to the end of a line.
struct PingConnection {
  Fd socket;
  std::string input;
};

}  // namespace

TargetServers::TargetServers(const NetNamespace* host, std::string address)
    : host_(host), address_(std::move(address)) {
  epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw_errno("epoll_create1", errno);
  stop_event_ = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!stop_event_) throw_errno("eventfd", errno);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kStopKey;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, stop_event_.get(), &event) != 0) {
    throw_errno("epoll_ctl(ADD stop event)", errno);
  }
  thread_ = std::thread([this] { serve(); });
}

TargetServers::~TargetServers() {
  std::uint64_t one = 1;
  // An eventfd write of 1 cannot block or fail short of a counter overflow.
  [[maybe_unused]] ssize_t written = ::write(stop_event_.get(), &one, sizeof one);
  thread_.join();
}

Fd TargetServers::bound_socket(std::uint16_t port) {
  std::optional<EnterNetNamespace> inside;
  if (host_) inside.emplace(*host_);
  Fd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket_fd) throw_errno("socket", errno);
  sockaddr_in local = ipv4_address(address_, port);
  if (::bind(socket_fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    throw_errno("bind " + address_ + ":" + std::to_string(port), errno);
  }
  return socket_fd;
}

std::uint16_t TargetServers::add_responder() {
  Fd listener = bound_socket();
  if (::listen(listener.get(), 4096) != 0) throw_errno("listen", errno);
  std::uint16_t port = ntohs(local_address(listener.get()).sin_port);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = static_cast<std::uint64_t>(listener.get()) | (1ull << 32);  // a listener
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listener.get(), &event) != 0) {
    throw_errno("epoll_ctl(ADD listener)", errno);
  }
  held_.push_back(std::move(listener));  // the thread only uses its number
  return port;
}

std::uint16_t TargetServers::add_closed_port() {
  Fd bound = bound_socket();
  std::uint16_t port = ntohs(local_address(bound.get()).sin_port);
  held_.push_back(std::move(bound));
  return port;
}

std::uint16_t TargetServers::add_full_accept_queue() {
  Fd listener = bound_socket();
  // Backlog 0: Linux lets one connection wait in the accept queue (it is full when more than
  // the backlog wait), so the connection below fills it.
  if (::listen(listener.get(), 0) != 0) throw_errno("listen", errno);
  std::uint16_t port = ntohs(local_address(listener.get()).sin_port);
  std::optional<EnterNetNamespace> inside;
  if (host_) inside.emplace(*host_);
  // From inside the host, over its loopback: this handshake stays off the captured link.
  held_.push_back(connect_tcp(address_, port));
  held_.push_back(std::move(listener));
  return port;
}

long TargetServers::listen_overflows() const {
  std::optional<EnterNetNamespace> inside;
  if (host_) inside.emplace(*host_);
  // thread-self: /proc/self/net would show the namespace of the process's main thread.
  std::ifstream netstat("/proc/thread-self/net/netstat");
  // Pairs of lines: "TcpExt: Name1 Name2 ..." then "TcpExt: value1 value2 ...".
  for (std::string names, values; std::getline(netstat, names) && std::getline(netstat, values);) {
    if (names.rfind("TcpExt:", 0) != 0) continue;
    std::istringstream name_words(names), value_words(values);
    for (std::string name, value; name_words >> name && value_words >> value;) {
      if (name == "ListenOverflows") return std::stol(value);
    }
  }
  return -1;
}

void TargetServers::serve() {
  std::map<int, PingConnection> connections;  // closed when the thread returns
  epoll_event events[64];
  for (;;) {
    int ready = ::epoll_wait(epoll_.get(), events, 64, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;  // only EBADF/EINVAL, which cannot happen with our own epoll fd
    }
    for (int i = 0; i < ready; ++i) {
      std::uint64_t key = events[i].data.u64;
      if (key == kStopKey) return;
      int fd = static_cast<int>(key & 0xffffffffu);
      if (key >> 32) {
        for (;;) {  // a listener: accept until EAGAIN
          Fd accepted(::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
          if (!accepted) break;  // EAGAIN: drained; anything else: that peer is gone already
          epoll_event event{};
          event.events = EPOLLIN;
          event.data.u64 = static_cast<std::uint64_t>(accepted.get());
          if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, accepted.get(), &event) != 0) continue;
          int number = accepted.get();
          connections[number] = PingConnection{std::move(accepted), {}};
        }
        continue;
      }
      auto found = connections.find(fd);
      if (found == connections.end()) continue;
      PingConnection& connection = found->second;
      char data[512];
      ssize_t n = ::recv(fd, data, sizeof data, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) {  // EOF or an error such as ECONNRESET: that client is done
        connections.erase(found);
        continue;
      }
      connection.input.append(data, static_cast<std::size_t>(n));
      std::size_t end;
      while ((end = connection.input.find("\r\n")) != std::string::npos) {
        connection.input.erase(0, end + 2);
        ++pings_;  // counted before the reply: a client that has read +PONG finds it counted
        // The reply fits any empty send buffer; a client that never reads is no concern here.
        send_some(fd, "+PONG\r\n", 7);
      }
    }
  }
}

}  // namespace socklab::harness
