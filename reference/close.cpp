// ref-close: an echo (or RESP) server on level-triggered epoll that ends each connection, once
// its client has half-closed (echo) or sent QUIT (resp), in the way --close-mode names:
//   graceful  send all that is owed, shutdown(SHUT_WR) (our FIN), read to EOF, then close().
//   abortive  SO_LINGER {1, 0}, close(): RST; the kernel throws away what it had not sent.
//   linger=N  SO_LINGER {1, N}, close(): Linux blocks up to N s, even on a non-blocking socket.
// In its capture, look at the server's last segment (FIN or RST) and at the data before it.
#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>

#include "net/acceptor.hpp"
#include "net/connection.hpp"
#include "net/errno_text.hpp"
#include "net/idle_sweep.hpp"
#include "net/server_cli.hpp"
#include "net/stop_signal.hpp"

using namespace socklab;

namespace {

enum class CloseKind { graceful, abortive, linger };

struct CloseMode {
  CloseKind kind = CloseKind::graceful;
  int linger_seconds = 0;  // only for CloseKind::linger
};

// "graceful", "abortive" or "linger=SECONDS"; an empty optional for anything else.
std::optional<CloseMode> parse_close_mode(const std::string& text) {
  if (text == "graceful") return CloseMode{CloseKind::graceful, 0};
  if (text == "abortive") return CloseMode{CloseKind::abortive, 0};
  const std::string prefix = "linger=";
  if (text.rfind(prefix, 0) != 0) return std::nullopt;
  int seconds = -1;
  const char* first = text.data() + prefix.size();
  const char* last = text.data() + text.size();
  auto [end, error] = std::from_chars(first, last, seconds);
  if (error != std::errc() || end != last || first == last || seconds < 0 || seconds > 3600) {
    return std::nullopt;
  }
  return CloseMode{CloseKind::linger, seconds};
}

struct Client {
  std::unique_ptr<Connection> connection;
  std::uint32_t interest = 0;    // the events epoll currently watches for this socket
  bool write_side_shut = false;  // graceful close begun: our FIN is queued, we read to EOF
};

struct Server {
  ServerOptions options;
  CloseMode close_mode;
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

void close_client(Server& server, int fd, int error_number) {
  if (error_number != 0) {
    std::fprintf(stderr, "ref-close: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.clients.erase(fd);  // close() also removes the socket from the interest list
}

void set_linger_or_report(int fd, int seconds) {
  linger value{1, seconds};
  if (::setsockopt(fd, SOL_SOCKET, SO_LINGER, &value, sizeof value) != 0) {
    std::fprintf(stderr, "ref-close: setsockopt(SO_LINGER) on fd %d: %s\n", fd,
                 errno_text(errno).c_str());
  }
}

// The connection has nothing more to say: it is closed the way --close-mode asks.
void end_connection(Server& server, int fd, Client& client) {
  switch (server.close_mode.kind) {
    case CloseKind::graceful:
      // Our FIN goes out after every byte already queued. Closing at once instead would make the
      // kernel answer with RST any request bytes still unread or on their way (RFC 2525).
      if (::shutdown(fd, SHUT_WR) != 0) return close_client(server, fd, errno);
      if (client.connection->peer_half_closed()) return close_client(server, fd, 0);
      client.write_side_shut = true;
      client.interest = EPOLLIN;
      return control(server, EPOLL_CTL_MOD, fd, EPOLLIN);
    case CloseKind::abortive:
      // {1, 0}: close() sends RST at once; the peer's next read fails with ECONNRESET and the
      // bytes our kernel had not yet sent are lost.
      set_linger_or_report(fd, 0);
      return close_client(server, fd, 0);
    case CloseKind::linger: {
      // {1, N}: close() waits up to N s for the peer to acknowledge our data and FIN. Linux waits
      // even though the socket is non-blocking, so the whole event loop stalls here: that is the
      // lesson. When the time runs out, the kernel still sends the data and the FIN on its own.
      set_linger_or_report(fd, server.close_mode.linger_seconds);
      auto start = Clock::now();
      close_client(server, fd, 0);
      auto blocked = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
      std::fprintf(stderr, "ref-close: close() with SO_LINGER {1, %d} took %lld ms\n",
                   server.close_mode.linger_seconds, static_cast<long long>(blocked.count()));
      return;
    }
  }
}

// After our FIN: read and throw away whatever the peer still sends, until its EOF. A peer that
// never sends its FIN keeps this socket open until --idle-timeout (nginx bounds the same wait
// with its lingering_timeout); closing earlier with its bytes unread would send RST.
void drain_to_end_of_stream(Server& server, int fd) {
  char discarded[64 * 1024];
  IoResult read = receive_some(fd, discarded, sizeof discarded);
  if (read.status == IoStatus::end_of_stream) return close_client(server, fd, 0);
  if (read.status == IoStatus::failed) return close_client(server, fd, read.error_number);
}

// Level-triggered: one accept per wake-up; the listener stays readable while more are queued.
void accept_one(Server& server) {
  AcceptOutcome outcome = server.acceptor.accept_one();
  switch (outcome.status) {
    case AcceptStatus::queue_empty:
    case AcceptStatus::retry:
      return;
    case AcceptStatus::out_of_fds:
      std::fprintf(stderr, "ref-close: out of descriptors (%s): refused one connection\n",
                   errno_name(outcome.error_number).c_str());
      return;
    case AcceptStatus::listener_closed:
      throw_errno("accept", outcome.error_number);
    case AcceptStatus::accepted:
      break;
  }
  if (server.clients.size() >= server.options.max_connections) {
    std::fprintf(stderr, "ref-close: refusing a connection: %zu already open (--max-conns)\n",
                 server.clients.size());
    return;  // the Fd closes here: the client sees FIN right after its handshake
  }
  int fd = outcome.connection.get();
  prepare_connection(fd, server.options);
  control(server, EPOLL_CTL_ADD, fd, EPOLLIN);
  server.clients.emplace(fd, Client{std::make_unique<Connection>(std::move(outcome.connection),
                                                                 server.options.protocol),
                                    EPOLLIN});
}

void on_client_event(Server& server, int fd, std::uint32_t events) {
  auto found = server.clients.find(fd);
  if (found == server.clients.end()) return;
  Client& client = found->second;
  if (client.write_side_shut) return drain_to_end_of_stream(server, fd);
  // EPOLLHUP and EPOLLERR count as readable: the read reports the condition as 0 or an errno.
  bool readable = (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
  Connection& connection = *client.connection;
  ServeOutcome outcome = serve_level_triggered(connection, readable, server.options.high_water);
  if (!outcome.stays_open) {
    if (outcome.error_number != 0) return close_client(server, fd, outcome.error_number);
    return end_connection(server, fd, client);  // EOF or QUIT, and everything owed is sent
  }
  std::uint32_t wanted = 0;
  if (connection.wants_to_read(server.options.high_water)) wanted |= EPOLLIN;
  if (connection.has_pending_output()) wanted |= EPOLLOUT;  // only while the kernel refuses more
  if (wanted != client.interest) {
    control(server, EPOLL_CTL_MOD, fd, wanted);
    client.interest = wanted;
  }
}

void close_idle_clients(Server& server) {
  for (auto it = server.clients.begin(); it != server.clients.end();) {
    if (server.idle_sweep.expired(*it->second.connection)) {
      std::fprintf(stderr, "ref-close: closing fd %d: idle longer than --idle-timeout\n",
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
  std::string close_mode_text = "graceful";
  LabOption close_mode_option{
      "--close-mode", "how a finished connection is closed: graceful, abortive or linger=SECONDS",
      &close_mode_text, [](const std::string& text) -> std::string {
        if (parse_close_mode(text)) return "";
        return "expected graceful, abortive or linger=SECONDS (0 to 3600); got '" + text + "'";
      }};
  ServerOptions options = parse_server_options(
      argc, argv, "Echo/RESP server that closes gracefully, abortively or with SO_LINGER",
      {close_mode_option});
  try {
    raise_open_file_limit();
    // listen_tcp sets SO_REUSEADDR: without it a restarted server cannot bind its port while
    // connections it closed first wait in TIME_WAIT (60 s on Linux).
    Server server{options,
                  *parse_close_mode(close_mode_text),
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
    std::fprintf(stderr, "ref-close: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
