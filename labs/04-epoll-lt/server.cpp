// lab-epoll-lt: your echo (or RESP) server on level-triggered epoll. Handout:
// labs/04-epoll-lt/README.md.
//
// One thread, non-blocking sockets, and one epoll instance that remembers which sockets you
// watch and for what (the interest list), so each epoll_wait costs time for the sockets that
// are ready, not for all of them. Level-triggered (the default) means epoll reports a socket
// for as long as the condition holds: readable while bytes are queued, writable while the send
// buffer has room, which for an idle socket is always.
//
// What is given: the set-up (options, listener, epoll, stop signal), the per-connection state
// (Connection, net/connection.hpp) and a loop that only waits for SIGTERM. What you write is
// marked TODO(step N), with N the step of the handout.
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
  Acceptor acceptor;     // the listening socket (non-blocking) and its accept() outcomes
  Fd epoll;              // the epoll instance: its interest list lives in the kernel
  Fd stop_signal;        // becomes readable when SIGTERM or SIGINT arrives
  IdleSweep idle_sweep;  // when to look for connections idle longer than --idle-timeout
  std::unordered_map<int, Client> clients;  // by socket fd; erasing one closes its socket
};

// epoll_ctl(ADD or MOD) with the socket's own fd as the event's data, so that epoll_wait tells
// you which socket each event is for.
void control(const Server& server, int operation, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(server.epoll.get(), operation, fd, &event) != 0) {
    throw_errno(operation == EPOLL_CTL_ADD ? "epoll_ctl(ADD)" : "epoll_ctl(MOD)", errno);
  }
}

// The events a connection needs epoll to watch right now.
// [[maybe_unused]] only until your code calls it.
[[maybe_unused]] std::uint32_t interest_for(const Connection& connection, std::size_t high_water) {
  // TODO(step 4): EPOLLOUT only while the connection has output the kernel has not taken
  //   (Connection::has_pending_output). An idle socket is always writable: with EPOLLOUT in
  //   the set for nothing, epoll_wait returns at once, every time, forever.
  // TODO(step 5): no EPOLLIN after the peer's FIN: a socket at end-of-file is readable for
  //   ever. 0 is a valid answer: EPOLLERR and EPOLLHUP are reported whatever the interest.
  // TODO(step 6): no EPOLLIN while the peer owes us --high-water or more.
  //   Connection::wants_to_read(high_water) answers both questions.
  (void)connection;
  (void)high_water;
  return EPOLLIN;
}

// Ends one connection: erasing it destroys its Fd, and close() also removes the socket from
// the epoll interest list. `error_number` is why (0 for a normal end), for the log.
// [[maybe_unused]] only until your code calls it.
[[maybe_unused]] void close_client(Server& server, int fd, int error_number) {
  if (error_number != 0) {
    std::fprintf(stderr, "lab-epoll-lt: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.clients.erase(fd);
}

// Called when the listening socket is reported readable: a handshake has completed.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void accept_one(Server& server) {
  // TODO(step 2): take one connection with server.acceptor.accept_one(). For an accepted
  //   socket: prepare_connection(fd, server.options) (TCP_NODELAY, --keepalive), watch it for
  //   EPOLLIN with control(), and keep a Client for it in server.clients. One accept per
  //   wake-up is enough here: if more are queued, the listener is still readable and the
  //   next epoll_wait reports it again.
  // TODO(step 3): handle every AcceptStatus (net/acceptor.hpp says what each means; only
  //   listener_closed is a reason to stop), and refuse a connection past --max-conns (close
  //   it at once, with a line on stderr).
  (void)server;
}

// Called for every event epoll_wait reports on a client's socket.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void on_client_event(Server& server, int fd, std::uint32_t events) {
  // TODO(step 2): find the Client (it may have been closed earlier in this same batch). If
  //   the socket is readable, read once and process (Connection::read_and_process); then send
  //   what is owed (Connection::flush). Close it with close_client once
  //   Connection::finished() (the peer's FIN came and nothing more is owed).
  // TODO(step 4): flush's would_block is not an error: the rest stays in the Connection's
  //   output buffer. Compute interest_for() and, when it changed, EPOLL_CTL_MOD the socket
  //   and remember the new interest in Client::interest.
  // TODO(step 5): count EPOLLHUP and EPOLLERR as readable (the read reports the condition as
  //   0 or an errno). A failed read or flush (ECONNRESET, EPIPE, ETIMEDOUT) ends this
  //   connection only: close_client with its errno.
  (void)server;
  (void)fd;
  (void)events;
}

// Closes every connection silent for longer than --idle-timeout.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void close_idle_clients(Server& server) {
  // TODO(step 6): erase each client for which server.idle_sweep.expired(*connection), with a
  //   line on stderr saying why.
  (void)server;
}

void run(Server& server) {
  control(server, EPOLL_CTL_ADD, server.stop_signal.get(), EPOLLIN);
  // TODO(step 2): watch the listening socket (server.acceptor.fd()) for EPOLLIN. Not before
  //   your loop accepts: a level-triggered listener with a connection queued is reported on
  //   every epoll_wait, and a loop that never accepts spins.
  // TODO(step 2): delete this placeholder once your server accepts.
  std::fprintf(stderr,
               "lab-epoll-lt: TODO(step 2): accept connections and echo what they send "
               "(README.md, step 2)\n");
  epoll_event events[256];
  for (;;) {
    // TODO(step 6): wait at most server.idle_sweep.wait_timeout_ms() (-1 without --idle-timeout).
    int ready = ::epoll_wait(server.epoll.get(), events, 256, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("epoll_wait", errno);
    }
    for (int i = 0; i < ready; ++i) {
      int fd = events[i].data.fd;
      if (fd == server.stop_signal.get()) return;  // SIGTERM or SIGINT
      // TODO(step 2): the listener's event means accept_one; any other fd is a client's:
      //   on_client_event with events[i].events.
    }
    // TODO(step 6): if server.idle_sweep.due(), close_idle_clients(server).
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // SIGTERM and SIGINT arrive through server.stop_signal instead
  ServerOptions options =
      parse_server_options(argc, argv, "Echo/RESP server: level-triggered epoll (lab)");
  try {
    raise_open_file_limit();
    Server server{options,
                  Acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/true),
                           /*nonblocking_connections=*/true),
                  Fd(::epoll_create1(EPOLL_CLOEXEC)),
                  open_stop_signal_fd(),
                  IdleSweep(options.idle_timeout),
                  {}};
    if (!server.epoll) throw_errno("epoll_create1", errno);
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lab-epoll-lt: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
