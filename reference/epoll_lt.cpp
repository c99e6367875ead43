// ref-epoll-lt: an echo (or RESP) server on level-triggered epoll.
//
// Level-triggered epoll reports a socket for as long as the condition holds, so a socket that
// is always writable (almost every idle socket) wakes epoll_wait on every call: the writable-event
// storm. This server therefore asks for EPOLLOUT only while it has output the kernel would not
// take, and drops EPOLLIN while a peer that does not read owes it more than --high-water.
// In its capture, look for small reads: one read per wake-up, and epoll reports again what is left.
#include <sys/epoll.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <unordered_map>

#include "net/acceptor.hpp"
#include "net/connection.hpp"
#include "net/errno_text.hpp"
#include "net/idle_sweep.hpp"
#include "net/server_cli.hpp"
#include "net/stop_signal.hpp"

using namespace socklab;

namespace {

struct Client {
  std::unique_ptr<Connection> connection;
  std::uint32_t interest = 0;  // the events epoll currently watches for this socket
};

struct Server {
  ServerOptions options;
  Acceptor acceptor;
  Fd epoll;
  Fd stop_signal;
  IdleSweep idle_sweep;
  std::unordered_map<int, Client> clients;  // by socket fd
};

void control(const Server& server, int operation, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(server.epoll.get(), operation, fd, &event) != 0) {
    throw_errno(operation == EPOLL_CTL_ADD ? "epoll_ctl(ADD)" : "epoll_ctl(MOD)", errno);
  }
}

// The interest a connection needs right now. Asking for more makes epoll_wait return at once,
// over and over, for a condition the server is not going to act on.
std::uint32_t interest_for(const Connection& connection, std::size_t high_water) {
  std::uint32_t events = 0;
  if (connection.wants_to_read(high_water)) events |= EPOLLIN;
  if (connection.has_pending_output()) events |= EPOLLOUT;
  return events;  // 0 is valid: EPOLLERR and EPOLLHUP are always reported
}

void close_client(Server& server, int fd, int error_number) {
  if (error_number != 0) {
    std::fprintf(stderr, "ref-epoll-lt: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.clients.erase(fd);  // close() also removes the socket from the interest list
}

// Level-triggered: one accept per wake-up is enough; if more connections are queued, the
// listener is still readable and the next epoll_wait reports it again.
void accept_one(Server& server) {
  AcceptOutcome outcome = server.acceptor.accept_one();
  switch (outcome.status) {
    case AcceptStatus::queue_empty:
    case AcceptStatus::retry:
      return;
    case AcceptStatus::out_of_fds:
      std::fprintf(stderr, "ref-epoll-lt: out of descriptors (%s): refused one connection\n",
                   errno_name(outcome.error_number).c_str());
      return;
    case AcceptStatus::listener_closed:
      throw_errno("accept", outcome.error_number);
    case AcceptStatus::accepted:
      break;
  }
  if (server.clients.size() >= server.options.max_connections) {
    std::fprintf(stderr, "ref-epoll-lt: refusing a connection: %zu already open (--max-conns)\n",
                 server.clients.size());
    return;  // the Fd closes here: the client sees FIN right after its handshake
  }
  int fd = outcome.connection.get();
  prepare_connection(fd, server.options);
  control(server, EPOLL_CTL_ADD, fd, EPOLLIN);
  server.clients.emplace(
      fd, Client{std::make_unique<Connection>(std::move(outcome.connection), server.options.protocol),
                 EPOLLIN});
}

void on_client_event(Server& server, int fd, std::uint32_t events) {
  auto found = server.clients.find(fd);
  if (found == server.clients.end()) return;
  Client& client = found->second;
  // EPOLLHUP and EPOLLERR count as readable: the read reports the condition as 0 or an errno.
  bool readable = (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
  ServeOutcome outcome = serve_level_triggered(*client.connection, readable, server.options.high_water);
  if (!outcome.stays_open) return close_client(server, fd, outcome.error_number);
  std::uint32_t wanted = interest_for(*client.connection, server.options.high_water);
  if (wanted != client.interest) {
    control(server, EPOLL_CTL_MOD, fd, wanted);
    client.interest = wanted;
  }
}

void close_idle_clients(Server& server) {
  for (auto it = server.clients.begin(); it != server.clients.end();) {
    if (server.idle_sweep.expired(*it->second.connection)) {
      std::fprintf(stderr, "ref-epoll-lt: closing fd %d: idle longer than --idle-timeout\n",
                   it->first);
      it = server.clients.erase(it);
    } else {
      ++it;
    }
  }
}

void run(Server& server) {
  control(server, EPOLL_CTL_ADD, server.acceptor.fd(), EPOLLIN);
  control(server, EPOLL_CTL_ADD, server.stop_signal.get(), EPOLLIN);
  epoll_event events[256];
  for (;;) {
    int ready = ::epoll_wait(server.epoll.get(), events, 256, server.idle_sweep.wait_timeout_ms());
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("epoll_wait", errno);
    }
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == server.stop_signal.get()) return;
      if (fd == server.acceptor.fd()) {
        accept_one(server);
      } else {
        on_client_event(server, fd, events[i].events);
      }
    }
    if (server.idle_sweep.due()) close_idle_clients(server);
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: level-triggered epoll");
  try {
    raise_open_file_limit();
    Server server{options,
                  Acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/true),
                           /*nonblocking_connections=*/true),
                  Fd(::epoll_create1(EPOLL_CLOEXEC)), open_stop_signal_fd(),
                  IdleSweep(options.idle_timeout), {}};
    if (!server.epoll) throw_errno("epoll_create1", errno);
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ref-epoll-lt: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
