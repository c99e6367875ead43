// EchoFlow: one scripted client connection of a scenario. It connects from a client host,
// sends its payload in chosen chunks with chosen pauses, reads the echo at a chosen pace and
// checks it byte by byte against what it sent, and may half-close or reset at a chosen point.
// A FlowDriver runs many of them at once; afterwards each says what it saw.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>

#include "harness/trace/tcp_segment.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

using SteadyClock = std::chrono::steady_clock;

class EchoFlow {
 public:
  EchoFlow(std::string label, std::string payload, int client_host = 0);

  // --- the script (set before driving) ---
  // Each send() call offers a chunk of a size drawn uniformly from [min, max] (default: all).
  EchoFlow& chunk_sizes(std::size_t min, std::size_t max);
  // After a chunk has gone out, pause up to `longest` (uniform) with this probability.
  EchoFlow& pauses(std::chrono::milliseconds longest, double probability);
  // Send nothing until this long after the drive starts.
  EchoFlow& start_after(std::chrono::milliseconds delay);
  // shutdown(SHUT_WR) once everything is sent; the echo must then end with the server's FIN.
  EchoFlow& half_close_when_sent();
  // Read nothing until this long after the drive starts: the echo piles up at the server.
  EchoFlow& start_reading_after(std::chrono::milliseconds delay);
  // Read at most `bytes` per `period`: a slow reader, whose receive window fills up.
  EchoFlow& read_pace(std::size_t bytes, std::chrono::milliseconds period);
  // SO_RCVBUF set before connecting: a small receive window, so the server's sends meet a full
  // socket buffer (EAGAIN) often, not only when the machine happens to be busy.
  EchoFlow& receive_buffer(int bytes);
  // Once `bytes` of echo have arrived (and everything is sent), close with SO_LINGER {1, 0}:
  // the kernel sends RST, as when a client process crashes with unread data.
  EchoFlow& reset_after_echo(std::size_t bytes);
  // Never read: the flow is complete once the whole echo waits in the receive queue, unread,
  // as in a client that crashes before reading its reply.
  EchoFlow& leave_echo_unread();
  // Talk on a connection that is already open (taken from an earlier flow) instead of
  // opening one.
  EchoFlow& continue_on(Fd connected_socket);

  // --- what happened ---
  const std::string& label() const { return label_; }
  int client_host() const { return client_host_; }
  int receive_buffer_bytes() const { return receive_buffer_; }  // 0: the kernel's default
  std::size_t payload_size() const { return payload_.size(); }
  bool connected() const { return connected_; }
  std::size_t bytes_sent() const { return sent_; }
  std::size_t bytes_echoed() const { return echoed_; }  // matching bytes, in order
  std::optional<std::size_t> mismatch_offset() const { return mismatch_offset_; }
  bool fin_received() const { return fin_received_; }
  int error_number() const { return error_number_; }  // connect, read or write errno; 0: none
  bool complete() const;  // did everything the script asked, and saw everything it expected
  bool failed() const;    // cannot complete any more (error, mismatch, early FIN)
  // Plain words for the verdict: "client 3 got 40960 of 65536 bytes back, then nothing".
  std::string describe() const;

  // --- after driving, for faults that act on the connection itself ---
  // The client's side of the connection as the server sees it ("198.18.0.10:41234").
  TcpEndpoint local_endpoint() const;
  // Bytes the server sent that wait unread in this client's receive queue (FIONREAD).
  std::size_t unread_bytes() const;
  // Gives up the socket (to a PeerProcess that will crash with it); the flow is done.
  Fd take_socket() { return std::move(socket_); }

  // --- used by FlowDriver ---
  void attach(Fd socket, SteadyClock::time_point drive_start, std::uint64_t seed);
  bool attached() const { return attached_; }
  bool has_own_connection() const { return static_cast<bool>(socket_); }
  int fd() const { return socket_.get(); }
  std::uint32_t wanted_events(SteadyClock::time_point now) const;
  // Handles readiness; returns true when it made progress (bytes moved, state changed).
  bool on_events(std::uint32_t events, SteadyClock::time_point now);
  // The next moment a timer (pause, read pace) may let it act without an event.
  std::optional<SteadyClock::time_point> next_timer() const;
  void close() { socket_.reset(); }

 private:
  bool finish_connect();
  bool send_some(SteadyClock::time_point now);
  bool receive_some(SteadyClock::time_point now);
  bool check_echo(const char* data, std::size_t size);
  void abort_with_reset();
  bool reading_allowed(SteadyClock::time_point now) const;
  std::size_t read_budget(SteadyClock::time_point now) const;

  std::string label_;
  std::string payload_;
  int client_host_;

  std::size_t min_chunk_;
  std::size_t max_chunk_;
  std::chrono::milliseconds longest_pause_{0};
  double pause_probability_ = 0;
  std::chrono::milliseconds start_delay_{0};
  std::chrono::milliseconds read_delay_{0};
  bool half_close_ = false;
  std::size_t pace_bytes_ = 0;  // 0: read as fast as possible
  std::chrono::milliseconds pace_period_{0};
  std::optional<std::size_t> reset_after_;
  int receive_buffer_ = 0;
  bool leave_unread_ = false;

  Fd socket_;
  bool attached_ = false;
  std::mt19937_64 random_;
  SteadyClock::time_point drive_start_;
  SteadyClock::time_point next_send_at_;
  std::size_t chunk_left_ = 0;  // bytes of the current chunk not yet accepted by send()
  bool connected_ = false;
  bool write_shut_ = false;
  bool reset_sent_ = false;
  std::size_t sent_ = 0;
  std::size_t echoed_ = 0;
  std::size_t received_total_ = 0;
  std::optional<std::size_t> mismatch_offset_;
  bool fin_received_ = false;
  int error_number_ = 0;
};

}  // namespace socklab::harness
