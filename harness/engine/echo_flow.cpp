#include "harness/engine/echo_flow.hpp"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::harness {

EchoFlow::EchoFlow(std::string label, std::string payload, int client_host)
    : label_(std::move(label)),
      payload_(std::move(payload)),
      client_host_(client_host),
      min_chunk_(std::max<std::size_t>(payload_.size(), 1)),
      max_chunk_(min_chunk_) {}

EchoFlow& EchoFlow::chunk_sizes(std::size_t min, std::size_t max) {
  min_chunk_ = std::max<std::size_t>(min, 1);
  max_chunk_ = std::max(min_chunk_, max);
  return *this;
}
EchoFlow& EchoFlow::pauses(std::chrono::milliseconds longest, double probability) {
  longest_pause_ = longest;
  pause_probability_ = probability;
  return *this;
}
EchoFlow& EchoFlow::start_after(std::chrono::milliseconds delay) {
  start_delay_ = delay;
  return *this;
}
EchoFlow& EchoFlow::start_reading_after(std::chrono::milliseconds delay) {
  read_delay_ = delay;
  return *this;
}
EchoFlow& EchoFlow::half_close_when_sent() {
  half_close_ = true;
  return *this;
}
EchoFlow& EchoFlow::read_pace(std::size_t bytes, std::chrono::milliseconds period) {
  pace_bytes_ = bytes;
  pace_period_ = period;
  return *this;
}
EchoFlow& EchoFlow::receive_buffer(int bytes) {
  receive_buffer_ = bytes;
  return *this;
}
EchoFlow& EchoFlow::reset_after_echo(std::size_t bytes) {
  reset_after_ = bytes;
  return *this;
}

EchoFlow& EchoFlow::leave_echo_unread() {
  leave_unread_ = true;
  return *this;
}
EchoFlow& EchoFlow::continue_on(Fd connected_socket) {
  socket_ = std::move(connected_socket);
  return *this;
}

bool EchoFlow::complete() const {
  if (!connected_ || failed()) return false;
  if (reset_after_) return reset_sent_;
  if (leave_unread_) return sent_ == payload_.size() && unread_bytes() >= payload_.size();
  bool all_echoed = sent_ == payload_.size() && echoed_ == payload_.size();
  return all_echoed && (!half_close_ || fin_received_);
}

bool EchoFlow::failed() const {
  if (reset_sent_) return false;
  if (error_number_ != 0 || mismatch_offset_) return true;
  // A FIN before the whole echo: the server closed while it still owed us bytes.
  return fin_received_ && echoed_ < payload_.size();
}

void EchoFlow::attach(Fd socket, SteadyClock::time_point drive_start, std::uint64_t seed) {
  // A flow that continues an open connection is connected already: no handshake to wait for.
  if (socket_) {
    connected_ = true;
  } else {
    socket_ = std::move(socket);
  }
  attached_ = true;
  random_.seed(seed);
  drive_start_ = drive_start;
  next_send_at_ = drive_start + start_delay_;
}

std::uint32_t EchoFlow::wanted_events(SteadyClock::time_point now) const {
  if (!connected_) return EPOLLOUT;  // a non-blocking connect completes as writability
  std::uint32_t events = 0;
  if (!fin_received_ && reading_allowed(now)) events |= EPOLLIN;
  bool may_send = chunk_left_ > 0 || (sent_ < payload_.size() && now >= next_send_at_);
  if (may_send) events |= EPOLLOUT;
  return events;
}

bool EchoFlow::on_events(std::uint32_t events, SteadyClock::time_point now) {
  if (!connected_) return (events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) && finish_connect();
  bool progress = false;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) progress |= receive_some(now);
  if (!failed() && (events & EPOLLOUT)) progress |= send_some(now);
  if (!failed() && sent_ == payload_.size() && half_close_ && !write_shut_) {
    // Our FIN: "no more data from me". The server may, and must, still send what it owes.
    if (::shutdown(socket_.get(), SHUT_WR) != 0) {
      // ENOTCONN here means an RST has already ended the connection: report the RST's error.
      error_number_ = errno;
      int pending = 0;
      socklen_t length = sizeof pending;
      if (::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &pending, &length) == 0 && pending != 0) {
        error_number_ = pending;
      }
    }
    write_shut_ = true;
    progress = true;
  }
  if (reset_after_ && !reset_sent_ && !failed() && sent_ == payload_.size() &&
      echoed_ >= *reset_after_) {
    abort_with_reset();
    progress = true;
  }
  return progress;
}

std::optional<SteadyClock::time_point> EchoFlow::next_timer() const {
  std::optional<SteadyClock::time_point> next;
  if (connected_ && chunk_left_ == 0 && sent_ < payload_.size()) next = next_send_at_;
  if (auto reading_starts = drive_start_ + read_delay_; SteadyClock::now() < reading_starts) {
    if (!next || reading_starts < *next) next = reading_starts;
  }
  if (pace_bytes_ > 0) {
    auto periods = (SteadyClock::now() - drive_start_) / pace_period_ + 1;
    auto refill = drive_start_ + periods * pace_period_;
    if (!next || refill < *next) next = refill;
  }
  return next;
}

bool EchoFlow::finish_connect() {
  int error = 0;
  socklen_t length = sizeof error;
  if (::getsockopt(socket_.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
  if (error != 0) {
    error_number_ = error;  // ECONNREFUSED: RST answered our SYN; ETIMEDOUT: no answer at all
    return true;
  }
  connected_ = true;
  return true;
}

bool EchoFlow::send_some(SteadyClock::time_point now) {
  if (chunk_left_ == 0) {
    if (sent_ == payload_.size() || now < next_send_at_) return false;
    std::uniform_int_distribution<std::size_t> size(min_chunk_, max_chunk_);
    chunk_left_ = std::min(size(random_), payload_.size() - sent_);
  }
  IoResult result = socklab::send_some(socket_.get(), payload_.data() + sent_, chunk_left_);
  if (result.status == IoStatus::would_block) return false;
  if (result.status == IoStatus::failed) {
    error_number_ = result.error_number;
    return true;
  }
  sent_ += result.bytes;
  chunk_left_ -= result.bytes;
  if (chunk_left_ == 0 && longest_pause_.count() > 0) {
    std::bernoulli_distribution pause_now(pause_probability_);
    std::uniform_int_distribution<long> pause_ms(0, longest_pause_.count());
    if (pause_now(random_)) next_send_at_ = now + std::chrono::milliseconds(pause_ms(random_));
  }
  return true;
}

bool EchoFlow::receive_some(SteadyClock::time_point now) {
  char data[64 * 1024];
  std::size_t budget = std::min(sizeof data, read_budget(now));
  if (budget == 0) budget = 1;  // woken by an error or hang-up: let the read report it
  IoResult result = socklab::receive_some(socket_.get(), data, budget);
  switch (result.status) {
    case IoStatus::would_block:
      return false;
    case IoStatus::end_of_stream:
      fin_received_ = true;
      return true;
    case IoStatus::failed:
      error_number_ = result.error_number;
      return true;
    case IoStatus::transferred:
      received_total_ += result.bytes;
      return check_echo(data, result.bytes);
  }
  return false;
}

bool EchoFlow::check_echo(const char* data, std::size_t size) {
  if (mismatch_offset_) return true;
  for (std::size_t i = 0; i < size; ++i) {
    std::size_t offset = echoed_ + i;
    if (offset >= sent_ || data[i] != payload_[offset]) {  // more than we sent, or different
      mismatch_offset_ = offset;
      echoed_ = offset;
      return true;
    }
  }
  echoed_ += size;
  return true;
}

void EchoFlow::abort_with_reset() {
  set_linger(socket_.get(), true, 0);
  socket_.reset();  // with SO_LINGER {1, 0}, close() discards everything and sends RST
  reset_sent_ = true;
}

bool EchoFlow::reading_allowed(SteadyClock::time_point now) const {
  return !reset_sent_ && !leave_unread_ && read_budget(now) > 0;
}

std::size_t EchoFlow::read_budget(SteadyClock::time_point now) const {
  if (now < drive_start_ + read_delay_) return 0;
  if (pace_bytes_ == 0) return SIZE_MAX;
  auto periods = static_cast<std::size_t>((now - drive_start_) / pace_period_) + 1;
  std::size_t allowed = periods * pace_bytes_;
  return allowed > received_total_ ? allowed - received_total_ : 0;
}

TcpEndpoint EchoFlow::local_endpoint() const {
  sockaddr_in address{};
  socklen_t length = sizeof address;
  if (::getsockname(socket_.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw_errno("getsockname (" + label_ + ")", errno);
  }
  return {address.sin_addr.s_addr, ntohs(address.sin_port)};
}

std::size_t EchoFlow::unread_bytes() const {
  if (!socket_) return 0;  // handed over or closed: nothing left to read here
  int queued = 0;
  if (::ioctl(socket_.get(), FIONREAD, &queued) != 0) throw_errno("ioctl(FIONREAD) (" + label_ + ")", errno);
  return static_cast<std::size_t>(queued);
}

std::string EchoFlow::describe() const {
  std::string who = label_;
  if (!connected_) {
    if (error_number_ != 0) return who + ": connect failed with " + errno_text(error_number_);
    return who + ": the handshake never completed";
  }
  std::string progress = "got " + std::to_string(echoed_) + " of " +
                         std::to_string(sent_) + " sent bytes back";
  if (sent_ < payload_.size()) {
    progress += " (" + std::to_string(payload_.size() - sent_) + " bytes not yet accepted by send())";
  }
  if (leave_unread_ && error_number_ == 0) {
    return who + ": sent " + std::to_string(sent_) + " of " + std::to_string(payload_.size()) +
           " bytes; " + std::to_string(unread_bytes()) + " bytes of echo arrived (left unread)";
  }
  if (mismatch_offset_) {
    return who + ": the echo differs from what we sent at byte " + std::to_string(*mismatch_offset_) +
           " (" + std::to_string(echoed_) + " bytes were correct before it)";
  }
  if (error_number_ != 0) return who + ": " + progress + ", then " + errno_text(error_number_);
  if (fin_received_ && echoed_ < payload_.size()) return who + ": " + progress + ", then the server's FIN";
  if (half_close_ && echoed_ == payload_.size() && !fin_received_) {
    return who + ": all " + std::to_string(echoed_) + " bytes came back, but no FIN after ours";
  }
  return who + ": " + progress + ", then nothing";
}

}  // namespace socklab::harness
