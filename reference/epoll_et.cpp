// ref-epoll-et: an echo (or RESP) server on edge-triggered epoll.
//
// Edge-triggered epoll reports a *change*: "this socket became readable", once. Whatever the
// server leaves unread, unaccepted or unwritten after that report waits for an edge that will
// never come. So this server reads, accepts and writes until the kernel says EAGAIN, and in
// exchange never has to change a socket's interest: each is registered once for input and output.
// In its capture, look for large writes answered with large reads: every wake-up drains.
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

struct Server {
  ServerOptions options;
  Acceptor acceptor;
  Fd epoll;
  Fd stop_signal;
  IdleSweep idle_sweep;
  std::unordered_map<int, std::unique_ptr<Connection>> connections;  // by socket fd
};

void watch(const Server& server, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(server.epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    throw_errno("epoll_ctl(ADD)", errno);
  }
}

// Closing the socket also removes it from the epoll interest list (no other descriptor refers
// to it), and the kernel sends our FIN, or RST if the peer's data is still unread.
void close_connection(Server& server, int fd, int error_number) {
  if (error_number != 0) {
    std::fprintf(stderr, "ref-epoll-et: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.connections.erase(fd);
}

// Edge-triggered: one readiness report may stand for many queued connections, so accept until
// the queue is empty.
void accept_all(Server& server) {
  for (;;) {
    AcceptOutcome outcome = server.acceptor.accept_one();
    switch (outcome.status) {
      case AcceptStatus::queue_empty:
        return;
      case AcceptStatus::retry:
        continue;
      case AcceptStatus::out_of_fds:
        std::fprintf(stderr, "ref-epoll-et: out of descriptors (%s): refused one connection\n",
                     errno_name(outcome.error_number).c_str());
        continue;
      case AcceptStatus::listener_closed:
        throw_errno("accept", outcome.error_number);
      case AcceptStatus::accepted:
        break;
    }
    if (server.connections.size() >= server.options.max_connections) {
      std::fprintf(stderr, "ref-epoll-et: refusing a connection: %zu already open (--max-conns)\n",
                   server.connections.size());
      continue;  // the Fd closes here: the client sees FIN right after its handshake
    }
    int fd = outcome.connection.get();
    prepare_connection(fd, server.options);
    // Registered once for both directions. With EPOLLET there is no writable-event storm: the
    // kernel reports EPOLLOUT only when a full send buffer gains room again.
    watch(server, fd, EPOLLIN | EPOLLOUT | EPOLLET);
    server.connections.emplace(fd, std::make_unique<Connection>(std::move(outcome.connection),
                                                                server.options.protocol));
  }
}

// Reads until EAGAIN and writes until EAGAIN, then says whether the connection stays open.
ServeOutcome serve(Connection& connection, std::size_t high_water) {
  for (;;) {
    bool input_drained = false;
    while (connection.wants_to_read(high_water)) {
      IoResult read = connection.read_and_process();
      if (read.status == IoStatus::would_block) {
        input_drained = true;
        break;
      }
      if (read.status == IoStatus::failed) return ServeOutcome::failed(read.error_number);
    }
    IoResult write = connection.flush();
    if (write.status == IoStatus::failed) return ServeOutcome::failed(write.error_number);
    if (connection.finished()) return ServeOutcome::done();  // FIN or QUIT, and all output sent
    // Reading stopped at the high-water mark and this flush made room again: the readable edge
    // was already reported and will not come again, so go back and read now.
    if (input_drained || !connection.wants_to_read(high_water)) return ServeOutcome::keep_open();
  }
}

void close_idle_connections(Server& server) {
  for (auto it = server.connections.begin(); it != server.connections.end();) {
    if (server.idle_sweep.expired(*it->second)) {
      std::fprintf(stderr, "ref-epoll-et: closing fd %d: idle longer than --idle-timeout\n",
                   it->first);
      it = server.connections.erase(it);
    } else {
      ++it;
    }
  }
}

void run(Server& server) {
  watch(server, server.acceptor.fd(), EPOLLIN | EPOLLET);
  watch(server, server.stop_signal.get(), EPOLLIN);
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
        accept_all(server);
        continue;
      }
      auto found = server.connections.find(fd);
      if (found == server.connections.end()) continue;
      // EPOLLHUP and EPOLLERR need no branch of their own: the read or write that follows
      // reports the same condition as 0 (FIN) or an errno (ECONNRESET, EPIPE).
      ServeOutcome outcome = serve(*found->second, server.options.high_water);
      if (!outcome.stays_open) close_connection(server, fd, outcome.error_number);
    }
    if (server.idle_sweep.due()) close_idle_connections(server);
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: edge-triggered epoll");
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
    std::fprintf(stderr, "ref-epoll-et: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
