// Connection: one client's state in an event-driven server (select, poll, epoll): its socket,
// what it sent us that we have not processed, what we owe it, and how far it has closed.
// The server's loop decides *when* to read or write; this class only does the reading and
// writing, so each reference server shows its I/O model and nothing else.
#pragma once

#include <chrono>
#include <memory>

#include "net/buffer.hpp"
#include "net/codec.hpp"
#include "net/fd.hpp"
#include "net/io_result.hpp"

namespace socklab {

using Clock = std::chrono::steady_clock;

// What handling one readiness report decided about a connection.
struct ServeOutcome {
  bool stays_open = true;
  int error_number = 0;  // why it closes, when it closes on an error (ECONNRESET, EPIPE, ...)

  static ServeOutcome keep_open() { return {true, 0}; }
  static ServeOutcome done() { return {false, 0}; }  // FIN or QUIT handled, all output sent
  static ServeOutcome failed(int error_number) { return {false, error_number}; }
};

class Connection {
 public:
  Connection(Fd fd, Protocol protocol);

  int fd() const { return fd_.get(); }

  // One read (one readv), then every complete request is answered into the output buffer.
  // end_of_stream marks the peer as half-closed: it sends nothing more but may still read.
  IoResult read_and_process();

  // Sends pending output until it is all sent (transferred), the socket buffer is full
  // (would_block), or the peer is gone (failed: EPIPE, ECONNRESET).
  IoResult flush();

  // Backpressure: stop reading from a peer that does not read our replies once it owes us more
  // than `high_water` bytes, or its output would grow without bound.
  bool wants_to_read(std::size_t high_water) const {
    return !peer_half_closed_ && !close_requested_ && output_.readable_bytes() < high_water;
  }
  bool has_pending_output() const { return !output_.empty(); }
  std::size_t pending_output_bytes() const { return output_.readable_bytes(); }
  bool peer_half_closed() const { return peer_half_closed_; }

  // Nothing more to read and nothing more owed: close now (the kernel sends our FIN).
  bool finished() const { return output_.empty() && (peer_half_closed_ || close_requested_); }

  Clock::time_point last_activity() const { return last_activity_; }

 private:
  Fd fd_;
  Buffer input_;
  Buffer output_;
  std::unique_ptr<Codec> codec_;
  bool peer_half_closed_ = false;  // read returned 0: the peer's FIN has arrived
  bool close_requested_ = false;   // the codec asked to close after its reply (QUIT, bad input)
  Clock::time_point last_activity_ = Clock::now();
};

// Level-triggered handling (select, poll, epoll without EPOLLET): one read if the socket is
// readable, because the kernel will report again whatever is left, then write what we can at
// once, because most replies fit in the socket buffer and waiting for writability costs a
// wake-up. The caller asks for writability only while has_pending_output() is true.
ServeOutcome serve_level_triggered(Connection& connection, bool readable, std::size_t high_water);

}  // namespace socklab
