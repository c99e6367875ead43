#include "net/connection.hpp"

namespace socklab {

Connection::Connection(Fd fd, Protocol protocol)
    : fd_(std::move(fd)), codec_(make_codec(protocol)) {}

IoResult Connection::read_and_process() {
  IoResult result = input_.read_from(fd_.get());
  if (result.status == IoStatus::transferred) {
    last_activity_ = Clock::now();
    if (codec_->consume(input_, output_) == CodecVerdict::close_after_reply) close_requested_ = true;
  } else if (result.status == IoStatus::end_of_stream) {
    peer_half_closed_ = true;
  }
  return result;
}

IoResult Connection::flush() {
  std::size_t total = 0;
  while (!output_.empty()) {
    IoResult result = output_.write_to(fd_.get());
    if (result.status != IoStatus::transferred) return result;
    total += result.bytes;
    last_activity_ = Clock::now();
  }
  return IoResult::transferred(total);
}

ServeOutcome serve_level_triggered(Connection& connection, bool readable, std::size_t high_water) {
  if (readable && connection.wants_to_read(high_water)) {
    IoResult read = connection.read_and_process();
    if (read.status == IoStatus::failed) return ServeOutcome::failed(read.error_number);
  }
  IoResult write = connection.flush();
  if (write.status == IoStatus::failed) return ServeOutcome::failed(write.error_number);
  return connection.finished() ? ServeOutcome::done() : ServeOutcome::keep_open();
}

}  // namespace socklab
