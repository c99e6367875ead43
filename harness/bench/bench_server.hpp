// BenchServer: one server measured by socklab bench (a reference, a student's program,
// redis-server or memcached), started on this machine's loopback, pinned to one core with
// taskset so that the load generator, pinned to another, never competes with it for a CPU.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/process/supervised_process.hpp"

namespace socklab::bench {

struct BenchServerSpec {
  std::string name;                    // for messages and file names: "ref-epoll-et", "redis"
  std::filesystem::path program;       // run as `taskset -c CORE PROGRAM ARGUMENTS...`
  std::vector<std::string> arguments;  // the contract's `--port 0` is added by the caller
  int core = 0;                        // the CPU the server runs on
  // Readiness: by default the server contract's "listening on HOST:PORT" line. Programs that
  // do not print it (redis-server, memcached) are given a free port by the caller and are
  // ready once a connect() to it succeeds.
  std::optional<std::uint16_t> known_port;
  // A student's program is untrusted: it runs as nobody, under the harness's resource limits.
  // References, redis-server and memcached run as the caller.
  bool untrusted = false;
  int open_files = 65536;              // RLIMIT_NOFILE: 10,000 idle connections need more than 4096
  std::filesystem::path log_dir;       // NAME.stdout and NAME.stderr go here
};

class BenchServer {
 public:
  // Starts the server and waits up to `timeout` for it to be ready; throws BenchError saying
  // what happened instead (no such program, exited, never listened), with its stderr's tail.
  static BenchServer start(const BenchServerSpec& spec, std::chrono::milliseconds timeout);

  BenchServer(BenchServer&&) noexcept = default;
  BenchServer& operator=(BenchServer&&) = delete;
  BenchServer(const BenchServer&) = delete;
  ~BenchServer();  // stops it if still running

  const std::string& name() const { return name_; }
  pid_t pid() const { return process_.pid(); }
  std::uint16_t port() const { return port_; }
  // CPU seconds (user + system, all threads), RSS and threads now, from /proc/PID.
  harness::ProcessFacts facts() const { return process_.facts(); }
  // The same without the descriptor count (0), cheap enough to sample every few milliseconds
  // while the server holds 10,000 connections.
  harness::ProcessFacts usage() const { return process_.facts(false); }
  bool alive() { return process_.alive(); }
  // SIGTERM, then SIGKILL after a grace period; a second call does nothing.
  void stop();

 private:
  BenchServer(std::string name, harness::SupervisedProcess process, std::uint16_t port)
      : name_(std::move(name)), process_(std::move(process)), port_(port) {}
  std::string name_;
  harness::SupervisedProcess process_;
  std::uint16_t port_ = 0;
  bool stopped_ = false;
};

// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, then released), for
// servers that must be told a port.
std::uint16_t free_loopback_port();

}  // namespace socklab::bench
