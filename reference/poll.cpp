// ref-poll: an echo (or RESP) server on poll(2).
//
// poll takes an array of {fd, events} and fills in revents: no FD_SETSIZE ceiling as with
// select, but every call still hands the kernel the whole array and the kernel checks every
// entry, so each wake-up costs time proportional to the number of connections, busy or idle.
// This server rebuilds the array from its connections before each call: POLLIN while it wants
// input, POLLOUT only while it has output the kernel would not take.
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
  Acceptor acceptor;
  Fd stop_signal;
  IdleSweep idle_sweep;
  std::unordered_map<int, std::unique_ptr<Connection>> connections;  // by socket fd
};

void accept_burst(Server& server) {
  for (int i = 0; i < kAcceptsPerWakeup; ++i) {
    AcceptOutcome outcome = server.acceptor.accept_one();
    switch (outcome.status) {
      case AcceptStatus::queue_empty:
        return;
      case AcceptStatus::retry:
        continue;
      case AcceptStatus::out_of_fds:
        std::fprintf(stderr, "ref-poll: out of descriptors (%s): refused one connection\n",
                     errno_name(outcome.error_number).c_str());
        continue;
      case AcceptStatus::listener_closed:
        throw_errno("accept", outcome.error_number);
      case AcceptStatus::accepted:
        break;
    }
    if (server.connections.size() >= server.options.max_connections) {
      std::fprintf(stderr, "ref-poll: refusing a connection: %zu already open (--max-conns)\n",
                   server.connections.size());
      continue;  // the Fd closes here: the client sees FIN right after its handshake
    }
    int fd = outcome.connection.get();
    prepare_connection(fd, server.options);
    server.connections.emplace(fd, std::make_unique<Connection>(std::move(outcome.connection),
                                                                server.options.protocol));
  }
}

// The array poll() reads: the stop signal, the listener, then one entry per connection asking
// only for what the server will act on. POLLERR and POLLHUP are reported even when not asked.
std::vector<pollfd> build_poll_array(const Server& server) {
  std::vector<pollfd> watched;
  watched.reserve(server.connections.size() + 2);
  watched.push_back({server.stop_signal.get(), POLLIN, 0});
  watched.push_back({server.acceptor.fd(), POLLIN, 0});
  for (const auto& [fd, connection] : server.connections) {
    short events = 0;
    if (connection->wants_to_read(server.options.high_water)) events |= POLLIN;
    if (connection->has_pending_output()) events |= POLLOUT;
    watched.push_back({fd, events, 0});
  }
  return watched;
}

void on_connection_event(Server& server, const pollfd& entry) {
  auto found = server.connections.find(entry.fd);
  if (found == server.connections.end()) return;
  bool readable = (entry.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  ServeOutcome outcome =
      serve_level_triggered(*found->second, readable, server.options.high_water);
  if (outcome.stays_open) return;
  if (outcome.error_number != 0) {
    std::fprintf(stderr, "ref-poll: closing fd %d: %s\n", entry.fd,
                 errno_text(outcome.error_number).c_str());
  }
  server.connections.erase(found);  // the Fd closes: the kernel sends our FIN
}

void close_idle_connections(Server& server) {
  for (auto it = server.connections.begin(); it != server.connections.end();) {
    if (server.idle_sweep.expired(*it->second)) {
      std::fprintf(stderr, "ref-poll: closing fd %d: idle longer than --idle-timeout\n", it->first);
      it = server.connections.erase(it);
    } else {
      ++it;
    }
  }
}

void run(Server& server) {
  for (;;) {
    std::vector<pollfd> watched = build_poll_array(server);
    int ready = ::poll(watched.data(), watched.size(), server.idle_sweep.wait_timeout_ms());
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("poll", errno);
    }
    if (watched[0].revents != 0) return;  // SIGTERM or SIGINT
    if (watched[1].revents != 0) accept_burst(server);
    // Entries past the first two are connections; a connection accepted just now is not in the
    // array, so no descriptor number can be mistaken for another in this pass.
    for (std::size_t i = 2; i < watched.size(); ++i) {
      if (watched[i].revents != 0) on_connection_event(server, watched[i]);
    }
    if (server.idle_sweep.due()) close_idle_connections(server);
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: poll");
  try {
    raise_open_file_limit();
    Server server{options,
                  Acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/true),
                           /*nonblocking_connections=*/true),
                  open_stop_signal_fd(), IdleSweep(options.idle_timeout), {}};
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ref-poll: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
