// ScriptedClient: one client connection whose conversation a close scenario writes out step by
// step (send these bytes, half-close, read to EOF), each wait bounded by a deadline so that a
// server that never answers fails the check instead of hanging it. Also the wire fact every
// close scenario asks for: how the server closed a given connection.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/engine/scenario_context.hpp"
#include "harness/trace/wire_checks.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

struct ReadOutcome {
  std::string bytes;           // everything read, in order
  bool end_of_stream = false;  // read() returned 0: the server's FIN
  int error_number = 0;        // ECONNRESET and friends; 0: none
  bool timed_out = false;      // neither EOF nor an error before the deadline
  // Plain words: "12 bytes, then the server's FIN", "5 bytes, then ECONNRESET (...)".
  std::string describe() const;
};

class ScriptedClient {
 public:
  explicit ScriptedClient(Fd socket) : socket_(std::move(socket)) {}

  // Sends everything, waiting up to `patience` for room; returns 0 or the errno (EPIPE, ...).
  int send_all(std::string_view bytes, std::chrono::milliseconds patience);
  int shutdown_write();  // our FIN; returns 0 or the errno
  // Reads until the server's FIN, an error or `patience`.
  ReadOutcome read_to_end(std::chrono::milliseconds patience);
  // Reads until `count` bytes have arrived, or EOF, an error or `patience`.
  ReadOutcome read_exactly(std::size_t count, std::chrono::milliseconds patience);
  // close() with SO_LINGER {1, 0}: the kernel sends RST, as when a client process crashes.
  void reset();
  void close() { socket_.reset(); }

  TcpEndpoint local_endpoint() const;  // the client's side, as it appears in the capture

 private:
  ReadOutcome read_until(std::size_t count, std::chrono::milliseconds patience);
  Fd socket_;
};

// The captured connection of `client`, once the capture shows the server's FIN or RST on it,
// or as it stands after `patience`; nullopt in loopback mode or when none was captured.
std::optional<TcpConnection> connection_after_server_close(const ScenarioContext& context,
                                                           const TcpEndpoint& client,
                                                           std::chrono::milliseconds patience);

}  // namespace socklab::harness
