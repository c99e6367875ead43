// lab-epoll-et: your echo (or RESP) server on edge-triggered epoll. Handout:
// labs/05-epoll-et/README.md.
//
// Edge-triggered epoll (EPOLLET) reports a change, once: "this socket became readable", "this
// full send buffer has room again". Whatever the server leaves unread, unaccepted or unwritten
// after a report waits for an edge that may never come. In exchange a socket can be registered
// once, for input and output, and its interest never changes: there is no writable-event storm.
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

struct Server {
  ServerOptions options;
  Acceptor acceptor;     // the listening socket (non-blocking) and its accept() outcomes
  Fd epoll;              // the epoll instance: its interest list lives in the kernel
  Fd stop_signal;        // becomes readable when SIGTERM or SIGINT arrives
  IdleSweep idle_sweep;  // when to look for connections idle longer than --idle-timeout
  std::unordered_map<int, std::unique_ptr<Connection>> connections;  // by socket fd
};

// epoll_ctl(ADD) with the socket's own fd as the event's data, so that epoll_wait tells you
// which socket each event is for.
void watch(const Server& server, int fd, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.fd = fd;
  if (::epoll_ctl(server.epoll.get(), EPOLL_CTL_ADD, fd, &event) != 0) {
    throw_errno("epoll_ctl(ADD)", errno);
  }
}

// Ends one connection: erasing it destroys its Fd, and close() also removes the socket from
// the epoll interest list. `error_number` is why (0 for a normal end), for the log.
// [[maybe_unused]] only until your code calls it.
[[maybe_unused]] void close_connection(Server& server, int fd, int error_number) {
  if (error_number != 0) {
    std::fprintf(stderr, "lab-epoll-et: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.connections.erase(fd);
}

// Called when the listening socket reports an edge: one or more handshakes have completed.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void accept_connections(Server& server) {
  // TODO(step 2): take a connection with server.acceptor.accept_one(). For an accepted socket:
  //   prepare_connection(fd, server.options) (TCP_NODELAY, --keepalive), watch it with
  //   EPOLLIN | EPOLLET, and keep a Connection for it in server.connections.
  // TODO(step 3): one edge can stand for many queued connections, and it is not repeated:
  //   accept until accept_one() says queue_empty (EAGAIN). Handle every AcceptStatus
  //   (net/acceptor.hpp; only listener_closed is a reason to stop), and refuse a connection
  //   past --max-conns (close it at once, with a line on stderr).
  // TODO(step 4): watch each socket for EPOLLOUT too, once, at registration.
  (void)server;
}

// Handles one report for a connection's socket; says whether the connection stays open.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] ServeOutcome serve(Connection& connection, std::size_t high_water) {
  // TODO(step 2): read and process (Connection::read_and_process), then send what is owed
  //   (Connection::flush). Return ServeOutcome::done() once Connection::finished() (the
  //   peer's FIN came and nothing more is owed), else ServeOutcome::keep_open().
  // TODO(step 3): read until read_and_process() says would_block (EAGAIN): the edge for bytes
  //   already queued has been reported and will not come again. Stop at end_of_stream too: a
  //   read after the peer's FIN returns 0 again, for ever.
  // TODO(step 4): flush's would_block is not an error: the rest stays in the Connection's
  //   output buffer until the EPOLLOUT edge (the send buffer has room again).
  // TODO(step 5): a failed read or flush (ECONNRESET, EPIPE, ETIMEDOUT) ends this connection
  //   only: return ServeOutcome::failed with the IoResult's error_number.
  // TODO(step 6): read only while Connection::wants_to_read(high_water) (false after FIN and
  //   at --high-water). If a flush brings the output back under it, read again now: the
  //   bytes waiting in the socket made their edge long ago.
  (void)connection;
  (void)high_water;
  return ServeOutcome::keep_open();
}

// Closes every connection silent for longer than --idle-timeout.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void close_idle_connections(Server& server) {
  // TODO(step 6): erase each connection for which server.idle_sweep.expired(*connection),
  //   with a line on stderr saying why.
  (void)server;
}

void run(Server& server) {
  watch(server, server.stop_signal.get(), EPOLLIN);
  // TODO(step 2): watch the listening socket (server.acceptor.fd()) for EPOLLIN | EPOLLET.
  // TODO(step 2): delete this placeholder once your server accepts.
  std::fprintf(stderr,
               "lab-epoll-et: TODO(step 2): accept connections and echo what they send "
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
      // TODO(step 2): the listener's event means accept_connections; any other fd is a
      //   connection's (it may have been closed earlier in this same batch): serve it, and
      //   close_connection when the outcome says it does not stay open.
      //   EPOLLHUP and EPOLLERR need no branch of their own: the read or write in serve()
      //   reports the same condition as 0 (FIN) or an errno (ECONNRESET, EPIPE, ETIMEDOUT).
    }
    // TODO(step 6): if server.idle_sweep.due(), close_idle_connections(server).
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // SIGTERM and SIGINT arrive through server.stop_signal instead
  ServerOptions options =
      parse_server_options(argc, argv, "Echo/RESP server: edge-triggered epoll (lab)");
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
    std::fprintf(stderr, "lab-epoll-et: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
