#include "harness/commands/load_command.hpp"

#include <cstdio>
#include <exception>

#include "harness/load/load_report.hpp"
#include "harness/load/load_setup_error.hpp"

namespace socklab::harness {

CLI::App* add_load_command(CLI::App& app, LoadRequest& request) {
  load::LoadOptions& options = request.options;
  CLI::App* command = app.add_subcommand(
      "load",
      "drive a server on this machine with pipelined requests; report throughput and "
      "latency percentiles");
  command->add_option("--port", options.port, "the server's TCP port")->required();
  command->add_option("--host", options.host, "a loopback address (127.0.0.0/8) or localhost")
      ->capture_default_str();
  command
      ->add_option("--proto", request.protocol,
                   "echo: SIZE bytes echoed back; resp: PING, +PONG; memcache: mn, MN")
      ->check(CLI::IsMember({"echo", "resp", "memcache"}))
      ->capture_default_str();
  command->add_option("-c,--connections", options.connections, "active connections")
      ->check(CLI::Range(1, 1'000'000))
      ->capture_default_str();
  command->add_option("-P,--pipeline", options.depth, "requests in flight per active connection")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  command
      ->add_option("--idle", options.idle_connections,
                   "connections opened first and held open, silent, for the whole run")
      ->check(CLI::Range(0, 10'000'000))
      ->capture_default_str();
  command->add_option("--size", options.request_size, "bytes per echo request")
      ->check(CLI::Range(1, 1024 * 1024))
      ->capture_default_str();
  CLI::Option* duration =
      command->add_option("--duration", options.duration_seconds, "seconds to run (fractions ok)")
          ->check(CLI::PositiveNumber)
          ->capture_default_str();
  CLI::Option* count = command
                           ->add_option("-n,--requests", request.request_count,
                                        "stop after this many replies in total, not after a time")
                           ->check(CLI::PositiveNumber);
  duration->excludes(count);
  command
      ->add_option("--rate", request.rate,
                   "requests per second in total, on a fixed schedule; latency counts from each "
                   "request's scheduled time (default: as fast as -P allows)")
      ->check(CLI::PositiveNumber);
  command
      ->add_option("--threads", options.threads,
                   "worker threads, each with its own epoll (default: online CPUs, at most -c)")
      ->check(CLI::Range(1, 1024));
  command->add_flag("--csv", request.csv, "print one CSV header line and one data line instead");
  return command;
}

int run_load_command(const LoadRequest& request) {
  load::LoadOptions options = request.options;
  if (request.request_count > 0) options.request_count = request.request_count;
  if (request.rate > 0) options.rate = request.rate;
  // CLI11 has already checked the name against the three it accepts.
  options.protocol = load::load_protocol_named(request.protocol).value_or(load::LoadProtocol::echo);
  load::LoadResult result;
  try {
    result = load::run_load(options);
  } catch (const load::LoadSetupError& error) {
    std::fprintf(stderr, "socklab load: %s\n", error.what());
    return 2;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "socklab load: could not set up the run: %s\n", error.what());
    return 2;
  }
  const std::string report =
      request.csv ? load::csv_header() + load::csv_line(result) : load::text_report(result);
  std::fputs(report.c_str(), stdout);
  if (request.csv && result.errors.total() > 0) {
    // The CSV line only counts the errors; say what they were where a person will see it.
    std::fprintf(stderr, "socklab load: %llu errors during the run:\n%s",
                 static_cast<unsigned long long>(result.errors.total()),
                 load::error_lines(result.errors).c_str());
  }
  return result.errors.total() > 0 ? 1 : 0;
}

}  // namespace socklab::harness
