// `socklab bench peers`: ref-epoll-et in RESP mode beside redis-server, and memcached, driven
// the same way in one run, alternating, so that the noise of a shared machine hits all alike.
#pragma once

#include <CLI/CLI.hpp>
#include <filesystem>
#include <string>

namespace socklab::harness {

struct BenchPeersRequest {
  int repetitions = 5;
  std::filesystem::path out_dir = "bench/results";  // peers.csv, peers.svg
  std::filesystem::path results_md;                 // "": bench/RESULTS.md next to out_dir's parent
  bool quick = false;                               // short runs, for tests: figures not for the record
};

// Adds `peers` under the `bench` subcommand.
CLI::App* add_bench_peers_command(CLI::App& bench, BenchPeersRequest& request);

// Exit status: 0 measured and written; 2 a server or tool missing or failing (said why).
int run_bench_peers_command(const BenchPeersRequest& request);

}  // namespace socklab::harness
