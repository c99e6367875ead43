#include "harness/load/load_run.hpp"

#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/load/load_connect.hpp"
#include "harness/load/load_setup_error.hpp"
#include "harness/load/load_worker.hpp"
#include "harness/load/monotonic_clock.hpp"
#include "harness/load/request_train.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::load {
namespace {

std::size_t resolve_thread_count(const LoadOptions& options) {
  std::size_t threads = options.threads;
  if (threads == 0) {
    const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
    threads = online > 0 ? static_cast<std::size_t>(online) : 1;
  }
  // A thread without a connection would only spin up an epoll instance to wait on nothing.
  return std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(options.connections, 1));
}

// Every connection is a descriptor, and so is each worker's epoll and timerfd; the shell's usual
// soft limit of 1024 would stop a run with a few thousand idle connections for no real reason.
void ensure_descriptors_for(const LoadOptions& options, std::size_t threads) {
  try {
    raise_open_file_limit();
  } catch (const std::system_error&) {
    // Not allowed to raise it (a locked-down container): the check below says what fits.
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw_errno("getrlimit(RLIMIT_NOFILE)", errno);
  const std::size_t reserved = 3 + 2 * threads + 16;  // stdio, epoll + timerfd each, slack
  const std::size_t needed = options.idle_connections + options.connections + reserved;
  if (needed <= limit.rlim_cur) return;
  throw LoadSetupError(
      std::to_string(options.idle_connections) + " idle and " +
      std::to_string(options.connections) + " active connections need about " +
      std::to_string(needed) + " file descriptors, but this process may open only " +
      std::to_string(limit.rlim_cur) + " (RLIMIT_NOFILE, already raised to its hard limit " +
      std::to_string(limit.rlim_max) + "): lower --idle or -c, or raise the hard limit");
}

// The server may close idle connections (an idle timeout, a connection limit). A peek that
// returns 0 means its FIN has arrived; EAGAIN means the connection is still open and silent.
std::size_t count_closed(const std::vector<Fd>& idle) {
  std::size_t closed = 0;
  for (const Fd& connection : idle) {
    char byte = 0;
    ssize_t n = 0;
    do {
      n = ::recv(connection.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) ++closed;
  }
  return closed;
}

}  // namespace

LoadResult run_load(const LoadOptions& options) {
  LoadResult result;
  result.options = options;
  result.options.threads = resolve_thread_count(options);
  const std::size_t threads = result.options.threads;
  const sockaddr_in server = loopback_address(options.host, options.port);
  ensure_descriptors_for(options, threads);

  const LoadCodec codec = LoadCodec::for_protocol(options.protocol, options.request_size);
  const RequestTrain train(codec.request(), options.depth);
  RequestBudget budget(options.request_count);
  result.request_bytes = codec.request().size();

  // Idle connections first, so that the active ones are measured against a server that is
  // already holding them (the point of --idle: does a crowd of silent clients slow the others?).
  std::vector<Fd> idle = open_connections(server, options.idle_connections);
  std::vector<Fd> active = open_connections(server, options.connections);

  RunPlan plan;
  plan.codec = &codec;
  plan.train = &train;
  plan.budget = &budget;
  if (options.rate) {
    plan.schedule_spacing_ns = static_cast<std::uint64_t>(1e9 / *options.rate);
    plan.schedule_spacing_ns = std::max<std::uint64_t>(plan.schedule_spacing_ns, 1);
    plan.request_interval_ns = plan.schedule_spacing_ns * options.connections;
  }
  // Connection i goes to worker i % threads, so each worker's share interleaves in the schedule.
  std::vector<std::unique_ptr<LoadWorker>> workers;
  for (std::size_t w = 0; w < threads; ++w) {
    std::vector<LoadConnection> share;
    for (std::size_t i = w; i < active.size(); i += threads) {
      // TCP_NODELAY: a small request must go out at once, not wait for the previous one's ACK
      // (Nagle), or every pipelined request after the first would be delayed by an RTT or more.
      set_nodelay(active[i].get());
      share.emplace_back(std::move(active[i]), options.depth, codec.expected_response().size());
    }
    workers.push_back(std::make_unique<LoadWorker>(std::move(share), w, threads, plan));
  }

  plan.start_ns = monotonic_ns();
  if (!options.request_count) {
    plan.deadline_ns = plan.start_ns + static_cast<std::uint64_t>(options.duration_seconds * 1e9);
  }
  // Starting a thread orders everything written to `plan` before it with the thread's reads.
  std::vector<std::thread> running;
  for (auto& worker : workers) running.emplace_back([&worker] { worker->run(); });
  for (std::thread& thread : running) thread.join();

  std::uint64_t finished_ns = plan.start_ns;
  for (const auto& worker : workers) {
    const WorkerResult& part = worker->result();
    result.latencies.merge(part.latencies);
    result.requests += part.responses;
    result.errors.merge(part.errors);
    finished_ns = std::max(finished_ns, part.finished_ns);
  }
  result.seconds = static_cast<double>(finished_ns - plan.start_ns) / 1e9;
  result.idle_closed_by_server = count_closed(idle);
  return result;
}

}  // namespace socklab::load
