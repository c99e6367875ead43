// `socklab bench scaling|peers|LAB`: the reference servers measured against each other as idle
// connections pile up, against real peers (redis, memcached), or a student's server against
// its lab's reference for a leaderboard.
#pragma once

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

#include "harness/bench/scaling_run.hpp"
#include "harness/bench/student_ratio.hpp"
#include "harness/commands/bench_peers_command.hpp"

namespace socklab::harness {

struct BenchRequest {
  bench::ScalingOptions scaling;
  bench::StudentRatioOptions student;
  BenchPeersRequest peers;
  CLI::App* bench_command = nullptr;
  CLI::App* scaling_command = nullptr;
  CLI::App* peers_command = nullptr;
};

CLI::App* add_bench_command(CLI::App& app, BenchRequest& request);

// Exit status: 0 measured and written; 2 a usage error, or a server or tool missing or failing.
// `server_arguments` are those after `--`, for `bench LAB --server PATH -- ARGS`.
int run_bench_command(BenchRequest& request, const std::vector<std::string>& server_arguments);

}  // namespace socklab::harness
