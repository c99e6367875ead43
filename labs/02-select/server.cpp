// lab-select: your echo (or RESP) server on select(2). Handout: labs/02-select/README.md.
//
// One thread, non-blocking sockets, and one select() call that sleeps until any of them is
// ready. select takes bitmaps of descriptor numbers, and an fd_set holds only FD_SETSIZE (1024)
// bits: FD_SET on descriptor 1024 or above writes past the end of the set. select also
// overwrites its sets with the result, so they are rebuilt before every call, and the kernel
// scans every bit up to the highest descriptor, busy or idle.
//
// What is given: the set-up (options, listener, stop signal), the per-connection state
// (Connection, net/connection.hpp) and a loop that only waits for SIGTERM. What you write is
// marked TODO(step N), with N the step of the handout.
#include <sys/select.h>

#include <algorithm>
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

// Connections taken off the accept queue per wake-up: each wake-up costs a scan of every
// descriptor, so a burst of new connections is better taken in one go.
constexpr int kAcceptsPerWakeup = 128;

struct Server {
  ServerOptions options;
  Acceptor acceptor;     // the listening socket (non-blocking) and its accept() outcomes
  Fd stop_signal;        // becomes readable when SIGTERM or SIGINT arrives
  IdleSweep idle_sweep;  // when to look for connections idle longer than --idle-timeout
  std::unordered_map<int, std::unique_ptr<Connection>> connections;  // by socket fd
};

// Takes the connections waiting in the accept queue: up to kAcceptsPerWakeup, or until
// accept_one() reports queue_empty (EAGAIN).
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void accept_burst(Server& server) {
  // TODO(step 2): call server.acceptor.accept_one() in a loop and handle every AcceptStatus
  //   (net/acceptor.hpp says what each one means; none of them is a reason to stop the server
  //   except listener_closed). For each accepted socket: prepare_connection(fd, options), then
  //   store a Connection for it in server.connections.
  // TODO(step 3): refuse (close at once, with a line on stderr) a connection whose descriptor
  //   is FD_SETSIZE or more: it does not fit in an fd_set. Refuse one past --max-conns too.
  (void)server;
}

struct InterestSets {
  fd_set readable;
  fd_set writable;
  int highest_fd;  // select() wants highest_fd + 1: the number of bits to scan
};

// The sets select() reads, rebuilt before every call because select() overwrites them.
InterestSets build_interest_sets(const Server& server) {
  InterestSets sets{};
  FD_ZERO(&sets.readable);
  FD_ZERO(&sets.writable);
  FD_SET(server.stop_signal.get(), &sets.readable);
  sets.highest_fd = server.stop_signal.get();
  // TODO(step 2): the listener (readable: a handshake has completed), then each connection:
  //   readable while it wants input, writable only while it has output the kernel has not taken
  //   yet. An idle socket is always writable: asking without pending output makes select()
  //   return at once, forever. Keep highest_fd up to date.
  // TODO(step 5): not readable for a connection whose pending output is over --high-water
  //   (Connection::wants_to_read).
  return sets;
}

// Handles every connection whose bit is set in `ready`: read, write, or close it.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void serve_ready_connections(Server& server, const InterestSets& ready) {
  // TODO(step 2): for each connection, FD_ISSET in ready.readable and ready.writable. If
  //   readable, read once and process (Connection::read_and_process); then send what is owed
  //   (Connection::flush). would_block from flush is not an error: keep the rest and ask for
  //   writability next time. A reset or half-closed peer shows as readable.
  // TODO(step 4): end_of_stream (FIN) means "nothing more will come", not "gone": close only
  //   when Connection::finished(). A failed read or write (ECONNRESET, EPIPE, ETIMEDOUT) ends
  //   this connection only: log it with errno_text() and erase it (the Fd closes the socket).
  (void)server;
  (void)ready;
}

// Closes every connection silent for longer than --idle-timeout.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void close_idle_connections(Server& server) {
  // TODO(step 6): erase each connection for which server.idle_sweep.expired(*connection).
  (void)server;
}

void run(Server& server) {
  // TODO(step 2): announce once what is left to do; delete this line with the placeholder.
  std::fprintf(stderr,
               "lab-select: TODO(step 2): accept connections and echo what they send "
               "(README.md, step 2)\n");
  for (;;) {
    InterestSets sets = build_interest_sets(server);
    // TODO(step 6): wait at most server.idle_sweep.wait_timeout_ms() (a timeval; nullptr, wait
    //   forever, when it is -1).
    int ready = ::select(sets.highest_fd + 1, &sets.readable, &sets.writable, nullptr, nullptr);
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("select", errno);
    }
    if (FD_ISSET(server.stop_signal.get(), &sets.readable)) return;  // SIGTERM or SIGINT
    // TODO(step 2): serve the ready connections, then accept if the listener is readable. In
    //   that order: the bits describe the descriptors as they were when select() returned, and
    //   a connection accepted now (perhaps on a number just freed) must not be taken for one.
    // TODO(step 6): if server.idle_sweep.due(), close_idle_connections(server).
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // SIGTERM and SIGINT arrive through server.stop_signal instead
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: select (lab)");
  try {
    raise_open_file_limit();
    Server server{options,
                  Acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/true),
                           /*nonblocking_connections=*/true),
                  open_stop_signal_fd(),
                  IdleSweep(options.idle_timeout),
                  {}};
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lab-select: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
