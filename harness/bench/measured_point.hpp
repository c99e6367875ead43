// One measurement point of socklab bench: a fresh server, a crowd of idle connections held
// open, a warm-up, then one measured window of active load during which the server's CPU time,
// system calls, RSS and threads are read. Both `bench scaling` and `bench LAB` measure this way.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "harness/bench/bench_server.hpp"
#include "harness/bench/pinned_load.hpp"

namespace socklab::bench {

struct PointPlan {
  BenchServerSpec server;         // core and limits set; arguments include `--port 0`
  std::filesystem::path socklab;  // runs the load (and the idle holder)
  int load_core = 1;
  int connections = 50;
  int depth = 1;
  int request_size = 16;
  std::size_t idle = 0;
  double warmup_seconds = 0.5;
  double seconds = 1.5;
  bool count_syscalls = true;
};

struct PointFigures {
  LoadFigures load;                  // of the measured window
  double cpu_us_per_request = -1;    // -1: no request was served
  double syscalls_per_request = -1;  // -1: not counted (see syscall_note) or nothing served
  std::string syscall_counter;       // "perf", "strace" or ""
  std::string syscall_note;          // why there is no count
  std::uint64_t rss_bytes = 0;       // the largest sample during the window
  int threads = 0;                   // likewise
  std::string idle_refused;          // the idle connections could not all be held: why
  bool server_exited = false;
  std::string server_stderr;  // its log's tail, for notes
};

// Throws BenchError only when the point could not be measured at all (the server never
// started, the load generator failed); a server that refuses, errs or dies mid-run is
// recorded in the figures (errors, server_exited) for the caller to judge.
PointFigures measure_point(const PointPlan& plan);

}  // namespace socklab::bench
