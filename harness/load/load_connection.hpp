// LoadConnection: one active connection of a load run: its socket, the requests queued to send,
// the times its in-flight requests count from, and the bytes of a reply not yet complete.
//
// Everything is allocated when the connection is made, sized by the pipeline depth and the reply
// length, so the run itself allocates nothing per request. The worker owns the connections; a
// connection owns its socket (closing it also takes it out of the worker's epoll set).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_codec.hpp"
#include "harness/load/request_train.hpp"
#include "net/fd.hpp"
#include "net/io_result.hpp"

namespace socklab::load {

struct ResponsesTaken {
  std::uint64_t responses = 0;  // complete, correct replies taken off the input
  bool protocol_error = false;  // the input stopped matching the expected reply
  std::string error_text;       // protocol_error: what arrived instead, for the report
};

class LoadConnection {
 public:
  LoadConnection(Fd socket, std::size_t depth, std::size_t response_size);
  // Non-copyable: it owns a socket. Movable, so the run can hand it to a worker's vector.
  LoadConnection(const LoadConnection&) = delete;
  LoadConnection& operator=(const LoadConnection&) = delete;
  LoadConnection(LoadConnection&&) = default;
  LoadConnection& operator=(LoadConnection&&) = default;

  int fd() const { return socket_.get(); }
  bool open() const { return socket_.valid(); }
  std::size_t in_flight() const { return in_flight_; }
  bool pipeline_has_room() const { return in_flight_ < send_times_ns_.size(); }
  std::size_t unsent_bytes() const { return unsent_bytes_; }

  // Queues one more request. Its latency will count from `counted_from_ns`: the moment it was
  // written, or with --rate the moment the schedule meant it to be written.
  void queue_request(std::size_t request_size, std::uint64_t counted_from_ns);

  // Sends queued bytes until all are written or the socket send buffer is full (would_block).
  IoResult send_queued(const RequestTrain& train);

  // One recv() into the free end of the input buffer.
  IoResult receive();

  // Takes every complete reply off the front of the input, recording each one's latency.
  ResponsesTaken take_responses(const LoadCodec& codec, std::uint64_t now_ns,
                                LatencyHistogram& latencies);

  // Closes the socket; the kernel sends FIN (or RST when a reply is still unread).
  void close() { socket_.reset(); }

  // When --rate schedules this connection's next request.
  std::uint64_t next_intended_send_ns = 0;
  // Whether EPOLLOUT is in this socket's epoll interest: only while bytes are owed, since a
  // level-triggered EPOLLOUT on a socket with nothing to send would wake the loop for nothing.
  bool watching_writable = false;

 private:
  Fd socket_;
  // A ring of one send time per in-flight request, oldest at `oldest_`: TCP keeps the byte
  // stream in order and the server answers in order, so the next reply is the oldest request's.
  std::vector<std::uint64_t> send_times_ns_;
  std::size_t oldest_ = 0;
  std::size_t in_flight_ = 0;
  std::size_t unsent_bytes_ = 0;
  std::vector<char> input_;
  std::size_t input_bytes_ = 0;
};

}  // namespace socklab::load
