// LoadWorker: one thread of a load run, with its own epoll instance and its own share of the
// active connections, so the threads share nothing on the hot path but the -n budget.
//
// Level-triggered epoll: every socket is watched for input, and for output only while it owes
// bytes. Without --rate each connection keeps `depth` requests in flight and sends the next as
// soon as a reply comes back; with --rate each has a fixed schedule, and a timerfd wakes the
// loop when the next request is due.
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <vector>

#include "harness/load/error_tally.hpp"
#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_codec.hpp"
#include "harness/load/load_connection.hpp"
#include "harness/load/request_budget.hpp"
#include "harness/load/request_train.hpp"
#include "net/fd.hpp"

namespace socklab::load {

// What every worker of one run shares, read-only once the threads start (but the budget).
struct RunPlan {
  const LoadCodec* codec = nullptr;
  const RequestTrain* train = nullptr;
  RequestBudget* budget = nullptr;
  std::uint64_t start_ns = 0;
  std::uint64_t deadline_ns = 0;  // 0: no deadline (-n COUNT)
  // --rate: a connection sends every `request_interval_ns`; connection i's first request is due
  // at start_ns + i * schedule_spacing_ns, so the connections' schedules interleave evenly.
  // 0: no schedule, as fast as the pipeline depth allows.
  std::uint64_t request_interval_ns = 0;
  std::uint64_t schedule_spacing_ns = 0;
};

struct WorkerResult {
  LatencyHistogram latencies;
  std::uint64_t responses = 0;
  ErrorTally errors;
  std::uint64_t finished_ns = 0;
};

class LoadWorker {
 public:
  // A request in flight with no reply on any of this worker's connections for this long counts
  // as timed out and its connection is closed: a -n run against a stalled server still ends.
  static constexpr std::uint64_t kResponseTimeoutNs = 10'000'000'000;

  // `first_index`: the run-wide index of connections[0]; the others follow in steps of `stride`.
  // Creates the epoll instance and the timer: throws std::system_error when it cannot.
  LoadWorker(std::vector<LoadConnection> connections, std::size_t first_index, std::size_t stride,
             const RunPlan& plan);
  // Non-copyable and non-movable: the epoll entries point at this worker's connections.
  LoadWorker(const LoadWorker&) = delete;
  LoadWorker& operator=(const LoadWorker&) = delete;

  // The thread's body: runs until the deadline, the budget's last reply, or no open connection.
  void run();
  const WorkerResult& result() const { return result_; }

 private:
  bool paced() const { return plan_.request_interval_ns != 0; }
  bool finished() const;
  void run_loop();
  void watch(LoadConnection& connection);
  void handle_event(const epoll_event& event);
  void on_readable(LoadConnection& connection);
  void fill_pipeline(LoadConnection& connection, std::uint64_t now_ns);
  std::uint64_t issue_scheduled_requests(std::uint64_t now_ns);
  void flush(LoadConnection& connection);
  void close_after_failure(LoadConnection& connection, int error_number, const char* during);
  void note_progress_if_idle(const LoadConnection& connection, std::uint64_t now_ns);
  void close_stalled_connections(std::uint64_t now_ns);
  void arm_timer(std::uint64_t wake_ns);

  std::vector<LoadConnection> connections_;
  std::size_t open_connections_ = 0;
  std::size_t first_index_;
  std::size_t stride_;
  const RunPlan& plan_;
  Fd epoll_;
  Fd timer_;
  std::uint64_t timer_armed_for_ns_ = 0;  // 0: not armed (or already fired)
  std::uint64_t last_progress_ns_ = 0;
  bool budget_exhausted_ = false;
  std::vector<epoll_event> ready_events_;
  WorkerResult result_;
};

}  // namespace socklab::load
