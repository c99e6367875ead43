#include "harness/commands/bench_command.hpp"

#include <fmt/format.h>

#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

#include "harness/bench/bench_error.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

const std::vector<std::string> kServerLabs = {"blocking", "select", "poll", "epoll-lt", "epoll-et"};

fs::path own_directory() { return fs::read_symlink("/proc/self/exe").parent_path(); }

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : ",") + word;
  return text;
}

// The command line that reproduces this run, for bench/RESULTS.md.
std::string scaling_command_line(const bench::ScalingOptions& options) {
  std::vector<std::string> idle;
  for (std::size_t count : options.idle_counts) idle.push_back(std::to_string(count));
  return fmt::format("socklab bench scaling --labs {} --idle {} --repetitions {} --duration {:g}",
                     join(options.labs), join(idle), options.repetitions, options.seconds);
}

void add_scaling_command(CLI::App& bench, BenchRequest& request) {
  bench::ScalingOptions& options = request.scaling;
  CLI::App* scaling = bench.add_subcommand(
      "scaling",
      "every reference at 0 to 10,000 idle connections: throughput, p99, CPU and system calls "
      "per request, RSS, threads");
  scaling->add_option("--labs", options.labs, "the models to measure, comma-separated")
      ->delimiter(',')
      ->check(CLI::IsMember(kServerLabs))
      ->capture_default_str();
  scaling->add_option("--idle", options.idle_counts, "idle connection counts, comma-separated")
      ->delimiter(',')
      ->check(CLI::Range(0, 100'000))
      ->capture_default_str();
  scaling->add_option("--repetitions", options.repetitions, "rounds over every lab and count")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  scaling->add_option("--duration", options.seconds, "seconds of each measured window")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  scaling->add_option("--warmup", options.warmup_seconds, "seconds of warm-up before each")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  scaling->add_option("--out", options.out_dir, "folder for scaling*.csv, scaling.gp, *.svg")
      ->capture_default_str();
  scaling
      ->add_option("--results-md", options.results_md,
                   "the markdown file whose `socklab bench scaling` section is replaced")
      ->capture_default_str();
  request.scaling_command = scaling;
}

}  // namespace

CLI::App* add_bench_command(CLI::App& app, BenchRequest& request) {
  CLI::App* bench = app.add_subcommand(
      "bench",
      "measure servers: `bench scaling`, `bench peers`, or `bench LAB --server PATH` "
      "(a student's server against the reference; args after -- go to it)");
  request.bench_command = bench;
  bench::StudentRatioOptions& student = request.student;
  bench->add_option("lab", student.lab, "with --server: the lab whose reference to compare with")
      ->check(CLI::IsMember(kServerLabs));
  bench->add_option("--server", student.server, "the student's server program");
  bench->add_option("--repetitions", student.repetitions, "alternating rounds of both servers")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  bench->add_option("--duration", student.seconds, "seconds of each measured window")
      ->check(CLI::Range(0.1, 600.0))
      ->capture_default_str();
  bench->add_option("--warmup", student.warmup_seconds, "seconds of warm-up before each")
      ->check(CLI::Range(0.0, 60.0))
      ->capture_default_str();
  bench->add_flag("--csv", student.csv, "print the comparison as CSV (the ratio line stays)");
  add_scaling_command(*bench, request);
  request.peers_command = add_bench_peers_command(*bench, request.peers);
  return bench;
}

int run_bench_command(BenchRequest& request, const std::vector<std::string>& server_arguments) {
  // socklab itself (its samplers of /proc, its waits) runs beside the load generator on core 1,
  // never on the server's core 0, where it would take CPU from what is measured. Every
  // program it starts is pinned by taskset on its own.
  cpu_set_t load_core;
  CPU_ZERO(&load_core);
  CPU_SET(1, &load_core);
  if (::sched_setaffinity(0, sizeof load_core, &load_core) != 0) {
    std::fprintf(stderr, "socklab bench: cannot run on core 1 (sched_setaffinity: %s); the "
                 "figures may include socklab's own work on the server's core\n",
                 std::strerror(errno));
  }
  try {
    if (request.scaling_command->parsed()) {
      request.scaling.bin_dir = own_directory();
      request.scaling.command = scaling_command_line(request.scaling);
      return bench::run_scaling(request.scaling);
    }
    if (request.peers_command->parsed()) return run_bench_peers_command(request.peers);
    bench::StudentRatioOptions& student = request.student;
    if (student.lab.empty() || student.server.empty()) {
      std::fprintf(stderr,
                   "socklab bench: say what to measure: `bench scaling`, `bench peers`, or "
                   "`bench LAB --server PATH` (LAB one of %s)\n",
                   join(kServerLabs).c_str());
      return 2;
    }
    student.server_arguments = server_arguments;
    student.bin_dir = own_directory();
    return bench::run_student_ratio(student);
  } catch (const bench::BenchError& error) {
    std::fprintf(stderr, "socklab bench: %s\n", error.what());
    return 2;
  }
}

}  // namespace socklab::harness
