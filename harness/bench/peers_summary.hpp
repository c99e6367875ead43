// PeersSummary: the measurements of `socklab bench peers` reduced to what a reader compares:
// per configuration, each server's median and range over the repetitions, and the ratio of two
// servers. A ratio is taken within each repetition (the two runs were back to back, so a slow
// spell of the machine hit both) and its median and range reported, not a ratio of medians.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/bench/peers_plan.hpp"

namespace socklab::bench {

struct PeerSample {
  PlannedRun run;
  double requests_per_second = 0;
  double cpu_us_per_request = 0;  // the server's user + system CPU over the run, per request
  // How busy each side's core was over the client's run: CPU seconds / wall seconds, from 0 to
  // about 1 (each is pinned to one core); -1 when not measured. A side near 1 set the rate.
  double server_core_busy = -1;
  double client_core_busy = -1;
  // How often the server went to sleep (its threads' voluntary context switches) per request
  // served; -1 when not measured. On loopback the client pays for every wake-up (its send()
  // runs the server socket's receive path and wakes the server's epoll_wait), so a client that
  // set the rate is slower against a server that sleeps more, however cheap that server is.
  double server_sleeps_per_request = -1;
};

struct PeerSpread {
  double median = 0;
  double min = 0;
  double max = 0;
};

// The median (the mean of the middle two for an even count), min and max. Throws
// std::invalid_argument for no values: a row without measurements is a bug, not a zero.
PeerSpread peer_spread(std::vector<double> values);

// `subject` against `baseline` in one configuration: ratio = subject / baseline.
struct RatioRow {
  PeerConfig config;
  PeerServer subject = PeerServer::ref_epoll_et;
  PeerServer baseline = PeerServer::redis_server;
  PeerSpread subject_rps, baseline_rps, rps_ratio;
  PeerSpread subject_cpu_us, baseline_cpu_us, cpu_ratio;
  // Core use (PeerSample's *_core_busy) in the subject's runs and in the baseline's; all zero
  // when not measured.
  PeerSpread subject_server_core, subject_client_core, baseline_server_core, baseline_client_core;
  // Server sleeps per request (PeerSample's server_sleeps_per_request); nullopt when not
  // measured. Zero is a figure: a saturated server may never sleep.
  std::optional<PeerSpread> subject_sleeps, baseline_sleeps;
};

// The ratio of `subject` to `baseline` in `config`, from the repetitions that measured both;
// nullopt when none did.
std::optional<RatioRow> ratio_row(const std::vector<PeerSample>& samples, const PeerConfig& config,
                                  PeerServer subject, PeerServer baseline);

// Every row the report shows, in plan order: ref-epoll-et / redis-server for every
// configuration, then memcached / ref-epoll-et for the socklab load ones.
std::vector<RatioRow> peers_ratio_rows(const std::vector<PeerSample>& samples);

// The targets of issue 10, judged on the redis-benchmark rows' median ratios.
struct TargetVerdict {
  std::string target;  // "requests/s >= 1.0x redis-server at -P 1 -c 50"
  bool met = false;
  std::string evidence;  // the worst row: "ping_mbulk -P 1 -c 50: 0.97x"
};
std::vector<TargetVerdict> judge_targets(const std::vector<RatioRow>& rows);

}  // namespace socklab::bench
