// lab-poll: your echo (or RESP) server on poll(2). Handout: labs/03-poll/README.md.
//
// One thread, non-blocking sockets, and one poll() call that sleeps until any of them is ready.
// poll takes an array of {fd, events} and fills in revents: there is no FD_SETSIZE ceiling as
// with select, but every call hands the kernel the whole array and the kernel checks every entry,
// so each wake-up costs time proportional to the number of connections, busy or idle.
//
// What is given: the set-up (options, listener, stop signal), the per-connection state
// (Connection, net/connection.hpp) and a loop that only waits for SIGTERM. What you write is
// marked TODO(step N), with N the step of the handout.
#include <poll.h>

#include <cerrno>
#include <cstdio>
#include <memory>
#include <unordered_map>
#include <vector>

#include "net/acceptor.hpp"
#include "net/connection.hpp"
#include "net/errno_text.hpp"
#include "net/idle_sweep.hpp"
#include "net/server_cli.hpp"
#include "net/stop_signal.hpp"

using namespace socklab;

namespace {

// Connections taken off the accept queue per wake-up. Each wake-up costs a pass over every
// connection, so taking a burst of new connections in one go is much cheaper than one per poll.
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
  // TODO(step 3): refuse (close at once, with a line on stderr) a connection past --max-conns.
  (void)server;
}

// The array poll() reads, rebuilt before every call: the stop signal first.
std::vector<pollfd> build_poll_array(const Server& server) {
  std::vector<pollfd> watched;
  watched.reserve(server.connections.size() + 2);
  watched.push_back({server.stop_signal.get(), POLLIN, 0});
  // TODO(step 2): the listener (POLLIN: a handshake has completed), then one entry per
  //   connection: POLLIN while it wants input, POLLOUT only while it has output the kernel has
  //   not taken yet. An idle socket is always writable: asking for POLLOUT without pending
  //   output makes poll() return at once, forever.
  // TODO(step 5): no POLLIN for a connection whose pending output is over --high-water
  //   (Connection::wants_to_read). POLLERR and POLLHUP are reported even when not asked for.
  return watched;
}

// Handles one connection entry whose revents is not 0: read, write, or close it.
// [[maybe_unused]] only until your loop calls it.
[[maybe_unused]] void on_connection_event(Server& server, const pollfd& entry) {
  // TODO(step 2): find the Connection; if POLLIN (or POLLHUP/POLLERR) is set, read once and
  //   process (Connection::read_and_process); then send what is owed (Connection::flush).
  //   would_block from flush is not an error: keep the rest and ask for POLLOUT next time.
  // TODO(step 4): end_of_stream (FIN) means "nothing more will come", not "gone": close only
  //   when Connection::finished(). A failed read or write (ECONNRESET, EPIPE, ETIMEDOUT) ends
  //   this connection only: log it with errno_text() and erase it (the Fd closes the socket).
  (void)server;
  (void)entry;
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
               "lab-poll: TODO(step 2): accept connections and echo what they send "
               "(README.md, step 2)\n");
  for (;;) {
    std::vector<pollfd> watched = build_poll_array(server);
    // TODO(step 6): wait at most server.idle_sweep.wait_timeout_ms() (-1 without --idle-timeout).
    int ready = ::poll(watched.data(), watched.size(), -1);
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("poll", errno);
    }
    if (watched[0].revents != 0) return;  // SIGTERM or SIGINT
    // TODO(step 2): accept if the listener's entry has revents, then handle every connection
    //   entry whose revents is not 0. A connection accepted in this pass is not in the array,
    //   so no entry can be mistaken for it.
    // TODO(step 6): if server.idle_sweep.due(), close_idle_connections(server).
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // SIGTERM and SIGINT arrive through server.stop_signal instead
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: poll (lab)");
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
    std::fprintf(stderr, "lab-poll: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
