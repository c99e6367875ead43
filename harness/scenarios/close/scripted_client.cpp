#include "harness/scenarios/close/scripted_client.hpp"

#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <thread>

#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

using Clock = std::chrono::steady_clock;

// Waits for `events` until `deadline`; false when the deadline passed first. Past the deadline
// it still looks once without waiting: if this process was not scheduled for a while (a
// loaded machine), what the server sent meanwhile is already here and must count.
bool wait_for(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    pollfd watched{fd, events, 0};
    int ready = ::poll(&watched, 1, static_cast<int>(std::max<long long>(left.count(), 0)));
    if (ready > 0) return true;
    if (ready < 0 && errno != EINTR) throw_errno("poll", errno);
    if (ready == 0 && left.count() <= 0) return false;
  }
}

}  // namespace

std::string ReadOutcome::describe() const {
  std::string text = std::to_string(bytes.size()) + " bytes";
  if (end_of_stream) return text + ", then the server's FIN";
  if (error_number != 0) return text + ", then " + errno_text(error_number);
  return text + ", then nothing (neither FIN nor RST) before the deadline";
}

int ScriptedClient::send_all(std::string_view bytes, std::chrono::milliseconds patience) {
  auto deadline = Clock::now() + patience;
  while (!bytes.empty()) {
    if (!wait_for(socket_.get(), POLLOUT, deadline)) return ETIMEDOUT;
    // MSG_DONTWAIT: poll said there is room, but never block past the deadline on how much.
    ssize_t sent = ::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (sent >= 0) {
      bytes.remove_prefix(static_cast<std::size_t>(sent));
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return errno;
    }
  }
  return 0;
}

int ScriptedClient::shutdown_write() { return ::shutdown(socket_.get(), SHUT_WR) == 0 ? 0 : errno; }

ReadOutcome ScriptedClient::read_to_end(std::chrono::milliseconds patience) {
  return read_until(std::string::npos, patience);
}

ReadOutcome ScriptedClient::read_exactly(std::size_t count, std::chrono::milliseconds patience) {
  return read_until(count, patience);
}

ReadOutcome ScriptedClient::read_until(std::size_t count, std::chrono::milliseconds patience) {
  ReadOutcome outcome;
  auto deadline = Clock::now() + patience;
  char chunk[64 * 1024];
  while (outcome.bytes.size() < count) {
    if (!wait_for(socket_.get(), POLLIN, deadline)) {
      outcome.timed_out = true;
      return outcome;
    }
    std::size_t wanted = std::min(sizeof chunk, count - outcome.bytes.size());
    ssize_t n = ::recv(socket_.get(), chunk, wanted, MSG_DONTWAIT);
    if (n > 0) {
      outcome.bytes.append(chunk, static_cast<std::size_t>(n));
    } else if (n == 0) {
      outcome.end_of_stream = true;
      return outcome;
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      outcome.error_number = errno;
      return outcome;
    }
  }
  return outcome;
}

void ScriptedClient::reset() {
  linger abort_on_close{1, 0};
  if (::setsockopt(socket_.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) !=
      0) {
    throw_errno("setsockopt(SO_LINGER)", errno);
  }
  socket_.reset();
}

TcpEndpoint ScriptedClient::local_endpoint() const {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("getsockname", errno);
  }
  return {address.sin_addr.s_addr, ntohs(address.sin_port)};
}

std::optional<TcpConnection> connection_after_server_close(const ScenarioContext& context,
                                                           const TcpEndpoint& client,
                                                           std::chrono::milliseconds patience) {
  if (!context.capturing()) return std::nullopt;
  auto deadline = Clock::now() + patience;
  for (;;) {
    std::optional<TcpConnection> connection = connection_of(context.captured_segments(), client);
    Closing server = connection ? closing_of(*connection, Side::server) : Closing{};
    if (server.fin || server.rst || Clock::now() >= deadline) return connection;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace socklab::harness
