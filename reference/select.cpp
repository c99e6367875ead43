// ref-select: an echo (or RESP) server on select(2).
//
// select takes bitmaps of descriptor numbers, and an fd_set holds only FD_SETSIZE (1024) bits:
// FD_SET on descriptor 1024 or above writes past the end of the set and corrupts the stack
// without a word from the compiler or the kernel. This server therefore refuses, with a log line,
// every connection whose descriptor does not fit. Each call also copies the sets in and out and
// the kernel scans every bit up to the highest descriptor, busy or idle.
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
        std::fprintf(stderr, "ref-select: out of descriptors (%s): refused one connection\n",
                     errno_name(outcome.error_number).c_str());
        continue;
      case AcceptStatus::listener_closed:
        throw_errno("accept", outcome.error_number);
      case AcceptStatus::accepted:
        break;
    }
    int fd = outcome.connection.get();
    if (fd >= FD_SETSIZE) {
      std::fprintf(stderr, "ref-select: refusing a connection: fd %d does not fit in an fd_set "
                   "(FD_SETSIZE %d)\n", fd, FD_SETSIZE);
      continue;  // the Fd closes here: the client sees FIN right after its handshake
    }
    if (server.connections.size() >= server.options.max_connections) {
      std::fprintf(stderr, "ref-select: refusing a connection: %zu already open (--max-conns)\n",
                   server.connections.size());
      continue;
    }
    prepare_connection(fd, server.options);
    server.connections.emplace(fd, std::make_unique<Connection>(std::move(outcome.connection),
                                                                server.options.protocol));
  }
}

struct InterestSets {
  fd_set readable;
  fd_set writable;
  int highest_fd;
};

// select overwrites its sets with the result, so they are rebuilt before every call, asking for
// writability only where output is waiting: an idle socket is always writable and would make
// select return at once, forever.
InterestSets build_interest_sets(const Server& server) {
  InterestSets sets{};
  FD_ZERO(&sets.readable);
  FD_ZERO(&sets.writable);
  FD_SET(server.stop_signal.get(), &sets.readable);
  FD_SET(server.acceptor.fd(), &sets.readable);
  sets.highest_fd = std::max(server.stop_signal.get(), server.acceptor.fd());
  for (const auto& [fd, connection] : server.connections) {
    if (connection->wants_to_read(server.options.high_water)) FD_SET(fd, &sets.readable);
    if (connection->has_pending_output()) FD_SET(fd, &sets.writable);
    sets.highest_fd = std::max(sets.highest_fd, fd);
  }
  return sets;
}

// A reset or half-closed peer shows as readable; the read then reports 0 or the errno.
void serve_ready_connections(Server& server, const InterestSets& ready) {
  for (auto it = server.connections.begin(); it != server.connections.end();) {
    auto& [fd, connection] = *it;
    bool readable = FD_ISSET(fd, &ready.readable);
    bool writable = FD_ISSET(fd, &ready.writable);
    if (!readable && !writable) {
      ++it;
      continue;
    }
    ServeOutcome outcome = serve_level_triggered(*connection, readable, server.options.high_water);
    if (outcome.stays_open) {
      ++it;
      continue;
    }
    if (outcome.error_number != 0) {
      std::fprintf(stderr, "ref-select: closing fd %d: %s\n", fd,
                   errno_text(outcome.error_number).c_str());
    }
    it = server.connections.erase(it);  // the Fd closes: the kernel sends our FIN
  }
}

void close_idle_connections(Server& server) {
  for (auto it = server.connections.begin(); it != server.connections.end();) {
    if (server.idle_sweep.expired(*it->second)) {
      std::fprintf(stderr, "ref-select: closing fd %d: idle longer than --idle-timeout\n",
                   it->first);
      it = server.connections.erase(it);
    } else {
      ++it;
    }
  }
}

void run(Server& server) {
  for (;;) {
    InterestSets sets = build_interest_sets(server);
    int wait_ms = server.idle_sweep.wait_timeout_ms();
    timeval timeout{wait_ms / 1000, (wait_ms % 1000) * 1000};
    int ready = ::select(sets.highest_fd + 1, &sets.readable, &sets.writable, nullptr,
                         wait_ms < 0 ? nullptr : &timeout);
    if (ready < 0) {
      if (errno == EINTR) continue;  // e.g. the process was stopped and continued
      throw_errno("select", errno);
    }
    if (FD_ISSET(server.stop_signal.get(), &sets.readable)) return;  // SIGTERM or SIGINT
    // Serve the connections first: their bits refer to the descriptors as they were when select
    // returned, and a connection accepted now must not be mistaken for one of them.
    serve_ready_connections(server, sets);
    if (FD_ISSET(server.acceptor.fd(), &sets.readable)) accept_burst(server);
    if (server.idle_sweep.due()) close_idle_connections(server);
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: select");
  try {
    raise_open_file_limit();
    Server server{options,
                  Acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/true),
                           /*nonblocking_connections=*/true),
                  open_stop_signal_fd(), IdleSweep(options.idle_timeout), {}};
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ref-select: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
