// A test's side of the conversation: client sockets whose every wait is a poll with a deadline.
//
// A server under test may be wrong in any way, including never answering, so no call here can
// block past its deadline: the sockets are non-blocking, and each wait is poll(2) bounded by the
// time left. The happy paths (send_all, read_exactly, ...) throw std::runtime_error saying how
// far they got; GoogleTest reports that as the test's failure. read_until_end returns how the
// stream ended instead, because there EOF and ECONNRESET are the outcomes under test.
#pragma once

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "net/fd.hpp"

namespace socklab::test {

using Deadline = std::chrono::steady_clock::time_point;
Deadline deadline_after(std::chrono::milliseconds timeout);

// A blocking connect to 127.0.0.1:port (on loopback it completes once the handshake is in the
// server's accept queue, whether or not the server has called accept yet), then O_NONBLOCK.
Fd connect_client(std::uint16_t port);

// Waits until fd reports one of `events` (POLLIN, POLLOUT), or an error or hang-up; false when
// the deadline passes first.
bool wait_for(int fd, short events, Deadline deadline);

// Polls `condition` every 10 ms until it holds or the deadline passes. Only for facts that no
// descriptor can signal, such as another process's /proc entries.
bool wait_until(const std::function<bool()>& condition, Deadline deadline);

void send_all(int fd, std::string_view bytes, Deadline deadline);
std::string read_exactly(int fd, std::size_t count, Deadline deadline);
// Reads one byte at a time up to and including "\r\n", so nothing after the line is consumed.
std::string read_line(int fd, Deadline deadline);

// How a byte stream ended, as seen by a client reading it to the end.
struct StreamEnd {
  enum class Kind { end_of_stream, failed, deadline_passed };
  std::string bytes;  // everything received before the end
  Kind kind = Kind::deadline_passed;
  int error_number = 0;  // with failed: ECONNRESET, ...

  bool is_end_of_stream() const { return kind == Kind::end_of_stream; }
  bool is_end_of_stream_or_reset() const {
    return is_end_of_stream() || (kind == Kind::failed && error_number == ECONNRESET);
  }
  std::string describe() const;  // "EOF after 12 bytes", "ECONNRESET (...) after 0 bytes", ...
};
StreamEnd read_until_end(int fd, Deadline deadline);

// shutdown(SHUT_WR): our FIN. We send nothing more, and can still read what we are owed.
void shutdown_write(int fd);
// SO_LINGER {on, 0 s} then close: the kernel discards unsent data and sends RST, not FIN.
void reset_connection(Fd& connection);

// The size of each write (or read) echo_concurrently makes; called once per call.
using ChunkSizes = std::function<std::size_t()>;
ChunkSizes fixed_chunk_size(std::size_t size);

struct EchoOptions {
  ChunkSizes next_write_size = fixed_chunk_size(64 * 1024);
  // The most each read asks for.
  ChunkSizes next_read_size = fixed_chunk_size(64 * 1024);
  // Send FIN right after the last write, while most of the echo may still be owed.
  bool half_close_when_sent = false;
  // Bytes of `data` the caller has already sent; only the rest is written.
  std::size_t already_sent = 0;
};

// Writes `data` while reading the echo, until all of `data` has come back, and returns what came
// back. It must read while writing: a server with a high-water mark stops reading from a client
// that does not read its replies, and a client that only wrote would then wait forever.
std::string echo_concurrently(int fd, std::string_view data, Deadline deadline,
                              const EchoOptions& options = {});

// Writes `data` without reading anything, until all of it is written or the socket has stayed
// unwritable for `stall` (the server has stopped reading and every buffer on the way is full).
// Returns how many bytes were written; throws if the connection fails.
std::size_t send_without_reading(int fd, std::string_view data, std::chrono::milliseconds stall);

// What the kernel knows about a connection, for tests that must wait until the server has
// taken in (or stopped taking in) what was sent. Linux only, like the kit.
// Bytes we sent, counting our FIN as one, that the server's kernel has not acknowledged yet
// (SIOCOUTQ): 0 means everything, FIN included, has reached the server's socket.
std::size_t unacknowledged_bytes(int fd);
// Bytes that have reached the server's socket but that the server has not read yet, counting
// our FIN as one: the rx_queue column of /proc/net/tcp for the server's end of this connection
// (0 once the server has closed it).
std::size_t unread_by_server(int fd);
// Waits until the server has read everything sent on `fd` (FIN included), or until neither count
// above has changed for `quiet_period`, which is how a server that stopped reading looks from
// outside; no event reports another process's reads, so this looks every 10 ms. Gives up at
// the deadline. Returns the bytes the server has left unread.
std::size_t wait_until_server_reads_all_or_stops(int fd, std::chrono::milliseconds quiet_period,
                                                 Deadline deadline);

// `count` bytes from a seeded generator: the same seed gives the same bytes on every run.
std::string random_bytes(std::size_t count, std::uint32_t seed);

// "" when equal; else where they first differ. Failure messages use this instead of printing
// two strings of several MiB.
std::string first_difference(std::string_view expected, std::string_view actual);

}  // namespace socklab::test
