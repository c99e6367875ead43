#include "harness/bench/peers_run.hpp"

#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <optional>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/bench_server.hpp"
#include "harness/bench/pinned_load.hpp"
#include "harness/bench/redis_benchmark_run.hpp"
#include "harness/process/voluntary_switches.hpp"

namespace socklab::bench {
namespace {

namespace fs = std::filesystem;
using SteadyClock = std::chrono::steady_clock;

// User + system CPU of every child reaped so far. getrusage cannot fail for RUSAGE_CHILDREN
// with a valid buffer; a failure would read as 0 and show the client idle, never hide a limit.
double reaped_children_cpu_seconds() {
  rusage usage{};
  if (::getrusage(RUSAGE_CHILDREN, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

constexpr std::chrono::seconds kStartTimeout(10);

// The server command lines, with PORT where the run puts a free port (for the record).
std::vector<std::string> server_arguments(PeerServer server, const std::string& port) {
  switch (server) {
    case PeerServer::ref_epoll_et:
      return {"--port", "0", "--proto", "resp"};
    case PeerServer::redis_server:
      // No snapshots, no append-only file: PING touches no data, and a background save
      // (a fork) in the middle of a run would be measured as redis-server's noise.
      return {"--port", port,           "--bind", "127.0.0.1",   "--save",
              "",       "--appendonly", "no",     "--daemonize", "no"};
    case PeerServer::memcached: {
      // -t 1: one worker thread, as fair as it gets against two single-threaded servers; -U 0:
      // no UDP; -c: room for the 50 clients and more. memcached refuses to run as root
      // without -u, and nobody is the user it would otherwise need.
      std::vector<std::string> arguments = {"-l", "127.0.0.1", "-p", port, "-U",
                                            "0",  "-t",        "1",  "-c", "4096"};
      if (::geteuid() == 0) arguments.insert(arguments.end(), {"-u", "nobody"});
      return arguments;
    }
  }
  return {};
}

std::string joined(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) {
    text += (text.empty() ? "" : " ") + (word.empty() ? std::string("''") : word);
  }
  return text;
}

// The last `count` bytes of a log, for the message about a server that died.
std::string log_tail(const fs::path& file, std::size_t count = 800) {
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.size() > count) text = "..." + text.substr(text.size() - count);
  return text;
}

class Session {
 public:
  Session(const PeerPrograms& programs, const PeersSettings& settings)
      : programs_(programs), settings_(settings) {}

  void start_servers(PeersMeasurements& measurements);
  void warm_up(PeersMeasurements& measurements);
  PeerSample measure(const PlannedRun& run, const PeersMeasurements& measurements);

 private:
  BenchServer& server(PeerServer which) { return servers_.at(which); }
  double client_run(const PlannedRun& run, const PeersMeasurements& measurements,
                    std::uint64_t& requests);
  double redis_benchmark(PeerServer which, const std::string& test, int pipeline, int clients,
                         std::uint64_t requests);
  [[noreturn]] void report_death(PeerServer which, const std::string& during);

  const PeerPrograms& programs_;
  const PeersSettings& settings_;
  std::map<PeerServer, BenchServer> servers_;
};

void Session::start_servers(PeersMeasurements& measurements) {
  const std::map<PeerServer, fs::path> program = {
      {PeerServer::ref_epoll_et, programs_.ref_epoll_et},
      {PeerServer::redis_server, programs_.redis_server},
      {PeerServer::memcached, programs_.memcached}};
  for (const auto& [which, path] : program) {
    BenchServerSpec spec;
    spec.name = server_name(which);
    spec.program = path;
    spec.core = settings_.server_core;
    spec.log_dir = settings_.log_dir;
    std::string port = "0";
    if (which != PeerServer::ref_epoll_et) {
      spec.known_port = free_loopback_port();
      port = std::to_string(*spec.known_port);
    }
    spec.arguments = server_arguments(which, port);
    measurements.commands[spec.name] = fmt::format(
        "taskset -c {} {} {}", spec.core, path.filename().string(),
        joined(server_arguments(which, which == PeerServer::ref_epoll_et ? "0" : "PORT")));
    servers_.try_emplace(which, BenchServer::start(spec, kStartTimeout));
  }
}

double Session::redis_benchmark(PeerServer which, const std::string& test, int pipeline,
                                int clients, std::uint64_t requests) {
  RedisBenchmarkSpec spec;
  spec.taskset = programs_.taskset;
  spec.redis_benchmark = programs_.redis_benchmark;
  spec.core = settings_.client_core;
  spec.port = server(which).port();
  spec.test = test;
  spec.requests = requests;
  spec.clients = clients;
  spec.pipeline = pipeline;
  spec.log_dir = settings_.log_dir;
  // A run lasts about a second; a minute means it is stuck on a server that stopped answering.
  spec.timeout = std::chrono::seconds(60);
  return run_redis_benchmark(spec);
}

void Session::report_death(PeerServer which, const std::string& during) {
  const std::string name = server_name(which);
  throw BenchError(
      fmt::format("{} exited during {}; its stdout ends with:\n{}\nits stderr ends with:\n{}", name,
                  during, log_tail(settings_.log_dir / (name + ".stdout")),
                  log_tail(settings_.log_dir / (name + ".stderr"))));
}

std::string settings_key(int pipeline, int clients) {
  return fmt::format("-P {} -c {}", pipeline, clients);
}

void Session::warm_up(PeersMeasurements& measurements) {
  const double target_seconds = settings_.quick ? 0.1 : 1.0;
  measurements.load_seconds = settings_.quick ? 0.2 : 1.0;
  // Probing each redis-benchmark setting on both servers warms them (allocators, page cache,
  // the CPU's caches and the clock governor) and tells how many requests last a second here.
  for (int pipeline : {1, 16}) {
    for (int clients : {50, 1000}) {
      // Every client should send a few pipelines' worth, or -c 1000 measures connecting.
      const std::uint64_t floor = static_cast<std::uint64_t>(clients * pipeline * 4);
      const std::uint64_t probe = std::max<std::uint64_t>(
          floor, (pipeline == 1 ? 20'000 : 200'000) / (settings_.quick ? 10 : 1));
      double fastest = 0;
      for (PeerServer which : {PeerServer::ref_epoll_et, PeerServer::redis_server}) {
        const std::string during =
            "the warm-up (redis-benchmark " + settings_key(pipeline, clients) + ")";
        try {
          fastest =
              std::max(fastest, redis_benchmark(which, "ping_inline", pipeline, clients, probe));
        } catch (const BenchError&) {
          if (!server(which).alive()) report_death(which, during);
          throw;
        }
        if (!server(which).alive()) report_death(which, during);
      }
      const auto wanted = static_cast<std::uint64_t>(fastest * target_seconds);
      measurements.requests_per_run[settings_key(pipeline, clients)] =
          std::max(floor, (wanted + 999) / 1000 * 1000);
    }
  }
  for (PeerServer which :
       {PeerServer::ref_epoll_et, PeerServer::redis_server, PeerServer::memcached}) {
    PlannedRun run{0, {PeerClient::socklab_load, "ping", 16, 50}, which};
    PeersMeasurements warm = measurements;
    warm.load_seconds = settings_.quick ? 0.1 : 0.5;
    measure(run, warm);
  }
}

double Session::client_run(const PlannedRun& run, const PeersMeasurements& measurements,
                           std::uint64_t& requests) {
  const PeerConfig& config = run.config;
  if (config.client == PeerClient::redis_benchmark) {
    requests = measurements.requests_per_run.at(settings_key(config.pipeline, config.clients));
    return redis_benchmark(run.server, config.test, config.pipeline, config.clients, requests);
  }
  LoadFigures figures = run_pinned_load(
      programs_.socklab, settings_.client_core,
      {"--port", std::to_string(server(run.server).port()), "--proto", run.protocol(), "-c",
       std::to_string(config.clients), "-P", std::to_string(config.pipeline), "--duration",
       fmt::format("{}", measurements.load_seconds), "--threads", "1"});
  if (figures.errors > 0) {
    throw BenchError(fmt::format("socklab load --proto {} against {} counted {} errors: {}",
                                 run.protocol(), server_name(run.server), figures.errors,
                                 figures.error_lines));
  }
  requests = figures.requests;
  return figures.requests_per_second;
}

PeerSample Session::measure(const PlannedRun& run, const PeersMeasurements& measurements) {
  BenchServer& measured = server(run.server);
  const std::string during =
      run.config.label() + (run.repetition > 0 ? fmt::format(" (repetition {})", run.repetition)
                                               : std::string(" (warm-up)"));
  if (!measured.alive()) report_death(run.server, "the pause before " + during);
  const double cpu_before = measured.facts().cpu_seconds;
  const auto sleeps_before = harness::detail::voluntary_switches(measured.pid());
  // The client is socklab's only child that ends during the run, so the growth of
  // RUSAGE_CHILDREN (children reaped so far) is the client's CPU time.
  const double client_cpu_before = reaped_children_cpu_seconds();
  const auto start = SteadyClock::now();
  std::uint64_t requests = 0;
  double rate = 0;
  try {
    rate = client_run(run, measurements, requests);
  } catch (const BenchError&) {
    if (!measured.alive()) report_death(run.server, during);
    throw;
  }
  // facts() reads zeros once the process is gone: check that it still runs first.
  if (!measured.alive()) report_death(run.server, during);
  const double cpu_after = measured.facts().cpu_seconds;
  const auto sleeps_after = harness::detail::voluntary_switches(measured.pid());
  const double wall = std::chrono::duration<double>(SteadyClock::now() - start).count();
  const double client_cpu = reaped_children_cpu_seconds() - client_cpu_before;
  if (requests == 0) {
    throw BenchError(
        fmt::format("{} served no request during {}", server_name(run.server), during));
  }
  // A thread that ended during the run takes its count with it: no figure rather than a wrong one.
  double sleeps_per_request = -1;
  if (sleeps_before && sleeps_after && *sleeps_after >= *sleeps_before) {
    sleeps_per_request =
        static_cast<double>(*sleeps_after - *sleeps_before) / static_cast<double>(requests);
  }
  return {run,
          rate,
          (cpu_after - cpu_before) * 1e6 / static_cast<double>(requests),
          (cpu_after - cpu_before) / wall,
          client_cpu / wall,
          sleeps_per_request};
}

}  // namespace

PeersMeasurements run_peers(const PeerPrograms& programs, const PeersSettings& settings,
                            const std::function<void(const std::string&)>& progress) {
  PeersMeasurements measurements;
  Session session(programs, settings);
  session.start_servers(measurements);
  const auto warm_start = SteadyClock::now();
  session.warm_up(measurements);
  std::string chosen;
  for (const auto& [key, count] : measurements.requests_per_run) {
    chosen += fmt::format("{}{}: -n {}", chosen.empty() ? "" : ", ", key, count);
  }
  progress(fmt::format("warm-up done in {:.1f} s; redis-benchmark {}",
                       std::chrono::duration<double>(SteadyClock::now() - warm_start).count(),
                       chosen));
  const std::vector<PlannedRun> plan = peers_plan(settings.repetitions);
  auto repetition_start = SteadyClock::now();
  for (std::size_t i = 0; i < plan.size(); ++i) {
    measurements.samples.push_back(session.measure(plan[i], measurements));
    if (i + 1 == plan.size() || plan[i + 1].repetition != plan[i].repetition) {
      progress(fmt::format(
          "repetition {}/{} done in {:.1f} s", plan[i].repetition, settings.repetitions,
          std::chrono::duration<double>(SteadyClock::now() - repetition_start).count()));
      repetition_start = SteadyClock::now();
    }
  }
  return measurements;
}

}  // namespace socklab::bench
