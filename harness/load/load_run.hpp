// run_load: one load run from start to report. Opens the idle connections, then the active
// ones, splits the active ones over the worker threads, runs them, and merges what they measured.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/load/error_tally.hpp"
#include "harness/load/latency_histogram.hpp"
#include "harness/load/load_codec.hpp"

namespace socklab::load {

struct LoadOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  LoadProtocol protocol = LoadProtocol::echo;
  std::size_t connections = 50;      // active: each keeps `depth` requests in flight
  std::size_t depth = 1;             // pipelined requests in flight per active connection
  std::size_t idle_connections = 0;  // opened first and held open, silent, for the whole run
  std::size_t request_size = 16;     // echo only; resp and memcache requests have a fixed size
  double duration_seconds = 5;       // ignored when request_count is set
  std::optional<std::uint64_t> request_count;  // -n: stop after this many replies in total
  std::optional<double> rate;                  // requests per second in total, on a fixed schedule
  std::size_t threads = 0;                     // 0: min(online CPUs, connections)
};

struct LoadResult {
  LoadOptions options;            // as run: threads resolved
  std::size_t request_bytes = 0;  // the size of each request actually sent
  double seconds = 0;             // measured, from the first request to the last worker's end
  std::uint64_t requests = 0;     // complete, correct replies
  LatencyHistogram latencies;     // nanoseconds
  ErrorTally errors;
  std::size_t idle_closed_by_server = 0;  // idle connections found closed after the run
};

// Throws LoadSetupError when the run cannot start; errors during the run are in the result.
LoadResult run_load(const LoadOptions& options);

}  // namespace socklab::load
