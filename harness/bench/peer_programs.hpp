// PeerPrograms: every program `socklab bench peers` runs, found before anything starts, so a
// missing one is reported at once and by name, not half-way through a four-minute run.
#pragma once

#include <filesystem>

namespace socklab::bench {

struct PeerPrograms {
  std::filesystem::path socklab;          // next to the running socklab: its own `load`
  std::filesystem::path ref_epoll_et;     // next to the running socklab, as the build puts it
  std::filesystem::path redis_server;     // from PATH
  std::filesystem::path redis_benchmark;  // from PATH
  std::filesystem::path memcached;        // from PATH
  std::filesystem::path taskset;          // from PATH (util-linux)
};

// Throws BenchError naming every missing program and what installs it.
PeerPrograms find_peer_programs();

}  // namespace socklab::bench
