// PeersRun: the measuring part of `socklab bench peers`. The three servers are started once,
// pinned to one core, and kept running through every repetition (only one is loaded at any
// moment); each is warmed up first, and the clients, pinned to the other core, then go through
// the plan. A server that dies or a client that fails ends the run with a BenchError naming it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/bench/peer_programs.hpp"
#include "harness/bench/peers_summary.hpp"

namespace socklab::bench {

struct PeersSettings {
  int repetitions = 5;
  bool quick = false;  // ~0.1 s per run instead of ~1 s: for tests, not for the record
  int server_core = 0;
  int client_core = 1;
  std::filesystem::path log_dir;  // the servers' and tools' logs
};

struct PeersMeasurements {
  std::vector<PeerSample> samples;
  // redis-benchmark -n for each "-P D -c C", chosen in the warm-up so that a run lasts about
  // the target time on the faster server; the same -n goes to both servers.
  std::map<std::string, std::uint64_t> requests_per_run;
  double load_seconds = 0;                      // socklab load --duration
  std::map<std::string, std::string> commands;  // server name -> its command line
};

// `progress` receives one line per finished repetition (and the warm-up), for stderr.
PeersMeasurements run_peers(const PeerPrograms& programs, const PeersSettings& settings,
                            const std::function<void(const std::string&)>& progress);

}  // namespace socklab::bench
