// lab-close: an echo (or RESP) server on level-triggered epoll that ends each connection, once
// its client has half-closed (echo) or sent QUIT (resp), in the way --close-mode names:
//   graceful  send all that is owed, shutdown(SHUT_WR) (our FIN), read to EOF, then close().
//   abortive  SO_LINGER {1, 0}, close(): RST; the kernel throws away what it had not sent.
//   linger=N  SO_LINGER {1, N}, close(): Linux blocks up to N s, even on a non-blocking socket.
// The event loop is the one you wrote in the epoll-lt lab and is given. How a connection ends
// is yours: the TODO(step N) comments match the steps of README.md.
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
  std::uint32_t interest = 0;  // the events epoll currently watches for this socket
  // TODO(step 3): remember that the graceful close has begun (our FIN is queued) and that this
  // connection now only reads, and throws away, whatever the peer still sends until its EOF.
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

// socket, bind, listen: the listening socket, non-blocking so that accept() says EAGAIN when
// the queue is empty instead of stalling the loop.
Fd open_listener(const std::string& host, std::uint16_t port) {
  sockaddr_in address = ipv4_address(host, port);
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener) throw_errno("socket", errno);
  // TODO(step 6): a server restarted at once must bind its port although connections it closed
  // first still wait in TIME_WAIT. Set the option that allows it here, before bind().
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    throw_errno("bind " + address_text(address), errno);
  }
  if (::listen(listener.get(), 4096) != 0) throw_errno("listen", errno);
  return listener;
}

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
    std::fprintf(stderr, "lab-close: closing fd %d: %s\n", fd, errno_text(error_number).c_str());
  }
  server.clients.erase(fd);  // the Fd's destructor calls close(), which also leaves the epoll set
}

// The connection has nothing more to say: close it the way --close-mode asks. For now every
// mode just calls close() at once.
void end_connection(Server& server, int fd, [[maybe_unused]] Client& client) {
  switch (server.close_mode.kind) {
    case CloseKind::graceful:
      // TODO(step 3): send our FIN with shutdown(SHUT_WR) and keep the socket open: read and
      // discard until the peer's EOF, then close. (If the peer's FIN has already come, there is
      // nothing left to read: close now.) Closing with unread input makes Linux send RST.
      return close_client(server, fd, 0);
    case CloseKind::abortive:
      // TODO(step 4): abort the connection: make close() send RST instead of FIN.
      return close_client(server, fd, 0);
    case CloseKind::linger:
      // TODO(step 5): set SO_LINGER {1, N} (N = server.close_mode.linger_seconds) before close(),
      // and log on stderr how long close() took.
      return close_client(server, fd, 0);
  }
}

// TODO(step 3): the function that reads and discards input after our FIN, until EOF (read()
// returns 0) or an error, and then closes. The socket stays in the epoll set for EPOLLIN only.

// Level-triggered: one accept per wake-up; the listener stays readable while more are queued.
void accept_one(Server& server) {
  AcceptOutcome outcome = server.acceptor.accept_one();
  switch (outcome.status) {
    case AcceptStatus::queue_empty:
    case AcceptStatus::retry:
      return;
    case AcceptStatus::out_of_fds:
      std::fprintf(stderr, "lab-close: out of descriptors (%s): refused one connection\n",
                   errno_name(outcome.error_number).c_str());
      return;
    case AcceptStatus::listener_closed:
      throw_errno("accept", outcome.error_number);
    case AcceptStatus::accepted:
      break;
  }
  if (server.clients.size() >= server.options.max_connections) {
    std::fprintf(stderr, "lab-close: refusing a connection: %zu already open (--max-conns)\n",
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
  // TODO(step 3): a connection whose graceful close has begun only drains its input to EOF.
  // EPOLLHUP and EPOLLERR count as readable: the read reports the condition as 0 or an errno.
  bool readable = (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0;
  Connection& connection = *client.connection;
  ServeOutcome outcome = serve_level_triggered(connection, readable, server.options.high_water);
  // TODO(step 2): the peer's FIN (read() returned 0) only says it will send nothing more. It
  // still reads, and we still owe it the echo. Do not end the connection here: wait until
  // serve_level_triggered() says it is done (nothing more to read and nothing more owed).
  if (connection.peer_half_closed()) return end_connection(server, fd, client);
  if (!outcome.stays_open) {
    // An error (ECONNRESET, EPIPE, ...) is news about this peer only: close its socket, serve on.
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
      std::fprintf(stderr, "lab-close: closing fd %d: idle longer than --idle-timeout\n",
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
      if (fd == server.stop_signal.get()) return;  // SIGTERM or SIGINT: the clients close below
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
  // TODO(step 2): delete this line once the half-close works.
  std::fprintf(
      stderr, "lab-close: TODO(step 2): send everything owed before closing (README.md, step 2)\n");
  try {
    raise_open_file_limit();
    Server server{options,
                  *parse_close_mode(close_mode_text),
                  Acceptor(open_listener(options.host, options.port),
                           /*nonblocking_connections=*/true),
                  Fd(::epoll_create1(EPOLL_CLOEXEC)),
                  open_stop_signal_fd(),
                  IdleSweep(options.idle_timeout),
                  {}};
    if (!server.epoll) throw_errno("epoll_create1", errno);
    announce_listening(server.acceptor.fd());
    run(server);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lab-close: %s\n", error.what());
    return 1;
  }
  return 0;  // every Connection's destructor has closed its socket
}
