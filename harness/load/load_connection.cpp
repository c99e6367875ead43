#include "harness/load/load_connection.hpp"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "net/socket.hpp"

namespace socklab::load {

// Room for two whole replies, and never less than 16 KiB so that a deep pipeline of small replies
// is read in few recv() calls.
LoadConnection::LoadConnection(Fd socket, std::size_t depth, std::size_t response_size)
    : socket_(std::move(socket)),
      send_times_ns_(depth, 0),
      input_(std::max<std::size_t>(16 * 1024, 2 * response_size)) {}

void LoadConnection::queue_request(std::size_t request_size, std::uint64_t counted_from_ns) {
  send_times_ns_[(oldest_ + in_flight_) % send_times_ns_.size()] = counted_from_ns;
  ++in_flight_;
  unsent_bytes_ += request_size;
}

IoResult LoadConnection::send_queued(const RequestTrain& train) {
  std::size_t sent = 0;
  while (unsent_bytes_ > 0) {
    std::string_view slice = train.next_slice(unsent_bytes_);
    IoResult result = send_some(socket_.get(), slice.data(), slice.size());
    if (result.status != IoStatus::transferred)
      return sent > 0 ? IoResult::transferred(sent) : result;
    unsent_bytes_ -= result.bytes;
    sent += result.bytes;
  }
  return IoResult::transferred(sent);
}

IoResult LoadConnection::receive() {
  // Never full here: after take_responses() at most one partial reply is left, and the buffer
  // holds two.
  IoResult result =
      receive_some(socket_.get(), input_.data() + input_bytes_, input_.size() - input_bytes_);
  if (result.status == IoStatus::transferred) input_bytes_ += result.bytes;
  return result;
}

ResponsesTaken LoadConnection::take_responses(const LoadCodec& codec, std::uint64_t now_ns,
                                              LatencyHistogram& latencies) {
  ResponsesTaken taken;
  std::size_t consumed = 0;
  for (;;) {
    std::string_view rest(input_.data() + consumed, input_bytes_ - consumed);
    if (rest.empty()) break;
    ResponseMatch match = codec.match_response(rest);
    if (match.status == ResponseStatus::incomplete) break;
    if (match.status == ResponseStatus::mismatch || in_flight_ == 0) {
      // A reply with no request outstanding is as wrong as a wrong reply: the server is not
      // answering one reply per request.
      taken.protocol_error = true;
      taken.error_text = "expected \"" + printable_bytes(codec.expected_response()) + "\", got \"" +
                         printable_bytes(rest) + "\"";
      return taken;
    }
    const std::uint64_t sent_ns = send_times_ns_[oldest_];
    latencies.record(now_ns > sent_ns ? now_ns - sent_ns : 0);
    oldest_ = (oldest_ + 1) % send_times_ns_.size();
    --in_flight_;
    ++taken.responses;
    consumed += match.length;
  }
  // Keep a partial reply at the front, where the next recv() appends the rest of it.
  if (consumed > 0) {
    std::memmove(input_.data(), input_.data() + consumed, input_bytes_ - consumed);
    input_bytes_ -= consumed;
  }
  return taken;
}

}  // namespace socklab::load
