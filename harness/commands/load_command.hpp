// `socklab load --port P [...]`: drives a server on this machine with pipelined requests from
// many connections and reports throughput and latency percentiles (harness/load/load_run.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "harness/load/load_run.hpp"

namespace socklab::harness {

struct LoadRequest {
  load::LoadOptions options;
  std::string protocol = "echo";
  std::uint64_t request_count = 0;  // -n; 0: not given (the flag accepts only positive counts)
  double rate = 0;                  // --rate; 0: not given
  bool csv = false;
};

CLI::App* add_load_command(CLI::App& app, LoadRequest& request);

// Exit status: 0 the run completed with no errors; 1 it completed but connections failed
// (resets, closes, wrong replies, timeouts: all reported); 2 a usage error or a run that could
// not start (a non-loopback host, too few descriptors, nothing listening on the port).
int run_load_command(const LoadRequest& request);

}  // namespace socklab::harness
