// The `socklab bench peers` section of bench/RESULTS.md: when and where, the versions of the
// peers, every command as it ran, the ratio tables and the targets, so that a reader can run
// the same measurement again and knows what each figure counts.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/bench/peers_run.hpp"
#include "harness/bench/peers_summary.hpp"

namespace socklab::bench {

struct PeersMarkdownFacts {
  int repetitions = 0;
  bool quick = false;
  double seconds = 0;         // the whole run's wall time
  std::string redis_version;  // `redis-server --version`
  std::string memcached_version;
};

std::string peers_markdown(const PeersMeasurements& measurements, const std::vector<RatioRow>& rows,
                           const std::vector<TargetVerdict>& verdicts,
                           const PeersMarkdownFacts& facts);

// The first line a program prints when asked its version ("Redis server v=7.0.15 ..."), or
// "unknown (...)" saying why; logs go to `log_dir`.
std::string tool_version(const std::filesystem::path& program,
                         const std::vector<std::string>& arguments,
                         const std::filesystem::path& log_dir);

}  // namespace socklab::bench
