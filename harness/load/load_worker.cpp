#include "harness/load/load_worker.hpp"

#include <sys/timerfd.h>

#include <algorithm>
#include <cerrno>
#include <exception>

#include "harness/load/monotonic_clock.hpp"
#include "net/errno_text.hpp"

namespace socklab::load {
namespace {

constexpr int kMaxEventsPerWait = 256;
constexpr std::uint64_t kNever = ~std::uint64_t{0};

}  // namespace

LoadWorker::LoadWorker(std::vector<LoadConnection> connections, std::size_t first_index,
                       std::size_t stride, const RunPlan& plan)
    : connections_(std::move(connections)),
      open_connections_(connections_.size()),
      first_index_(first_index),
      stride_(stride),
      plan_(plan),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)),
      ready_events_(kMaxEventsPerWait) {
  if (!epoll_) throw_errno("epoll_create1", errno);
  // CLOCK_MONOTONIC with nanosecond expiry: epoll_wait's millisecond timeout is too coarse for a
  // schedule of a request every few hundred microseconds.
  timer_ = Fd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (!timer_) throw_errno("timerfd_create", errno);
  epoll_event timer_event{};
  timer_event.events = EPOLLIN;
  timer_event.data.ptr = nullptr;  // the one entry that is not a connection
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, timer_.get(), &timer_event) != 0) {
    throw_errno("epoll_ctl(ADD timerfd)", errno);
  }
  for (LoadConnection& connection : connections_) watch(connection);
}

void LoadWorker::watch(LoadConnection& connection) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.ptr = &connection;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, connection.fd(), &event) != 0) {
    throw_errno("epoll_ctl(ADD)", errno);
  }
}

void LoadWorker::run() {
  last_progress_ns_ = plan_.start_ns;
  for (std::size_t i = 0; i < connections_.size(); ++i) {
    const std::size_t run_index = first_index_ + i * stride_;
    connections_[i].next_intended_send_ns = plan_.start_ns + run_index * plan_.schedule_spacing_ns;
  }
  // A thread must not let an exception escape (std::terminate): a failure of epoll itself ends
  // this worker's part of the run and is reported with the other errors.
  try {
    run_loop();
  } catch (const std::exception& error) {
    ++result_.errors.other_failures;
    if (result_.errors.first_other_failure.empty())
      result_.errors.first_other_failure = error.what();
  }
  result_.finished_ns = monotonic_ns();
}

bool LoadWorker::finished() const {
  if (open_connections_ == 0) return true;
  if (!budget_exhausted_) return false;
  return std::none_of(connections_.begin(), connections_.end(),
                      [](const LoadConnection& c) { return c.open() && c.in_flight() > 0; });
}

void LoadWorker::run_loop() {
  if (!paced()) {
    const std::uint64_t now_ns = monotonic_ns();
    for (LoadConnection& connection : connections_) fill_pipeline(connection, now_ns);
  }
  while (!finished()) {
    const std::uint64_t now_ns = monotonic_ns();
    if (plan_.deadline_ns != 0 && now_ns >= plan_.deadline_ns) return;
    close_stalled_connections(now_ns);
    std::uint64_t wake_ns = paced() ? issue_scheduled_requests(now_ns) : kNever;
    // Issuing may have found the -n budget spent with nothing left in flight: nothing to wait for.
    if (finished()) return;
    if (plan_.deadline_ns != 0) wake_ns = std::min(wake_ns, plan_.deadline_ns);
    wake_ns = std::min(wake_ns, last_progress_ns_ + kResponseTimeoutNs);
    arm_timer(wake_ns);
    const int ready = ::epoll_wait(epoll_.get(), ready_events_.data(), kMaxEventsPerWait, -1);
    if (ready < 0) {
      if (errno == EINTR) continue;  // a signal: nothing happened to the sockets
      throw_errno("epoll_wait", errno);
    }
    for (int i = 0; i < ready; ++i) handle_event(ready_events_[static_cast<std::size_t>(i)]);
  }
}

void LoadWorker::handle_event(const epoll_event& event) {
  if (event.data.ptr == nullptr) {
    std::uint64_t expirations = 0;
    // EAGAIN is expected: arm_timer() may have re-armed the timer after it became readable,
    // which clears the expiry this event reported. Either way the loop recomputes what is due.
    if (::read(timer_.get(), &expirations, sizeof expirations) < 0 && errno != EAGAIN &&
        errno != EINTR) {
      throw_errno("read(timerfd)", errno);
    }
    timer_armed_for_ns_ = 0;
    return;
  }
  auto& connection = *static_cast<LoadConnection*>(event.data.ptr);
  // EPOLLERR and EPOLLHUP come whether asked for or not; recv() then says what happened.
  if (connection.open() && (event.events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
    on_readable(connection);
  }
  if (connection.open() && (event.events & EPOLLOUT)) flush(connection);
}

void LoadWorker::on_readable(LoadConnection& connection) {
  IoResult received = connection.receive();
  switch (received.status) {
    case IoStatus::would_block:
      return;  // level-triggered: the kernel will report the socket again when bytes arrive
    case IoStatus::end_of_stream:
      // FIN: the server will send no more replies, so this connection is finished for the run.
      ++result_.errors.closed_by_server;
      connection.close();
      --open_connections_;
      return;
    case IoStatus::failed:
      return close_after_failure(connection, received.error_number, "recv");
    case IoStatus::transferred:
      break;
  }
  const std::uint64_t now_ns = monotonic_ns();
  ResponsesTaken taken = connection.take_responses(*plan_.codec, now_ns, result_.latencies);
  result_.responses += taken.responses;
  if (taken.responses > 0) last_progress_ns_ = now_ns;
  if (taken.protocol_error) {
    // The byte stream no longer lines up with our requests: no later reply on it can be trusted.
    ++result_.errors.protocol_errors;
    if (result_.errors.first_protocol_error.empty()) {
      result_.errors.first_protocol_error = taken.error_text;
    }
    connection.close();
    --open_connections_;
    return;
  }
  if (!paced()) fill_pipeline(connection, now_ns);
}

void LoadWorker::fill_pipeline(LoadConnection& connection, std::uint64_t now_ns) {
  if (!connection.open()) return;
  while (!budget_exhausted_ && connection.pipeline_has_room()) {
    if (!plan_.budget->claim()) {
      budget_exhausted_ = true;
      break;
    }
    note_progress_if_idle(connection, now_ns);
    connection.queue_request(plan_.train->request_size(), now_ns);
  }
  if (connection.unsent_bytes() > 0) flush(connection);
}

// Coordinated omission: a request due while the pipeline is full is not skipped and not
// re-timed; it is sent as soon as there is room and its latency still counts from when it was
// due, so a server that stalls shows the stall in every request it delayed.
std::uint64_t LoadWorker::issue_scheduled_requests(std::uint64_t now_ns) {
  std::uint64_t next_due_ns = kNever;
  for (LoadConnection& connection : connections_) {
    if (!connection.open()) continue;
    while (!budget_exhausted_ && connection.pipeline_has_room() &&
           connection.next_intended_send_ns <= now_ns) {
      if (!plan_.budget->claim()) {
        budget_exhausted_ = true;
        break;
      }
      note_progress_if_idle(connection, now_ns);
      connection.queue_request(plan_.train->request_size(), connection.next_intended_send_ns);
      connection.next_intended_send_ns += plan_.request_interval_ns;
    }
    if (connection.unsent_bytes() > 0 && !connection.watching_writable) flush(connection);
    // A full pipeline waits for a reply, not for the clock: its epoll event wakes the loop.
    if (connection.open() && connection.pipeline_has_room() && !budget_exhausted_) {
      next_due_ns = std::min(next_due_ns, connection.next_intended_send_ns);
    }
  }
  return next_due_ns;
}

void LoadWorker::flush(LoadConnection& connection) {
  IoResult sent = connection.send_queued(*plan_.train);
  if (sent.status == IoStatus::failed) {
    return close_after_failure(connection, sent.error_number, "send");
  }
  // The send buffer is full (the server is not reading fast enough): ask epoll to say when the
  // kernel has room again, and stop asking once everything owed is written.
  const bool owes_bytes = connection.unsent_bytes() > 0;
  if (owes_bytes == connection.watching_writable) return;
  epoll_event event{};
  event.events = EPOLLIN | (owes_bytes ? EPOLLOUT : 0u);
  event.data.ptr = &connection;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, connection.fd(), &event) != 0) {
    throw_errno("epoll_ctl(MOD)", errno);
  }
  connection.watching_writable = owes_bytes;
}

void LoadWorker::close_after_failure(LoadConnection& connection, int error_number,
                                     const char* during) {
  result_.errors.count_failure(error_number, during);
  connection.close();
  --open_connections_;
}

// The response timeout runs from the last reply, or from when a connection with nothing in
// flight got a request again: a slow --rate schedule leaves long gaps that are not stalls.
void LoadWorker::note_progress_if_idle(const LoadConnection& connection, std::uint64_t now_ns) {
  if (connection.in_flight() == 0) last_progress_ns_ = std::max(last_progress_ns_, now_ns);
}

void LoadWorker::close_stalled_connections(std::uint64_t now_ns) {
  if (now_ns < last_progress_ns_ + kResponseTimeoutNs) return;
  for (LoadConnection& connection : connections_) {
    if (!connection.open() || connection.in_flight() == 0) continue;
    ++result_.errors.timeouts;
    connection.close();
    --open_connections_;
  }
  last_progress_ns_ = now_ns;
}

void LoadWorker::arm_timer(std::uint64_t wake_ns) {
  if (wake_ns == kNever) return;
  // An armed timer that fires earlier than needed only costs one more loop; re-arming costs a
  // syscall, so the timer is moved only when something is due sooner.
  if (timer_armed_for_ns_ != 0 && timer_armed_for_ns_ <= wake_ns) return;
  itimerspec expiry{};
  // it_value 0 would disarm the timer: a time already past is the earliest, 1 ns.
  const std::uint64_t at_ns = std::max<std::uint64_t>(wake_ns, 1);
  expiry.it_value.tv_sec = static_cast<time_t>(at_ns / 1'000'000'000u);
  expiry.it_value.tv_nsec = static_cast<long>(at_ns % 1'000'000'000u);
  if (::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &expiry, nullptr) != 0) {
    throw_errno("timerfd_settime", errno);
  }
  timer_armed_for_ns_ = wake_ns;
}

}  // namespace socklab::load
