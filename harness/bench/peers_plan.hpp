// PeersPlan: the measurements of `socklab bench peers`, one repetition after another. Within a
// repetition, every configuration is measured on each of its servers back to back, and the
// order of the servers rotates from one repetition to the next, so that a slow spell of the
// shared machine (another job, a noisy neighbour of the VM) hits every server alike.
#pragma once

#include <string>
#include <vector>

namespace socklab::bench {

enum class PeerServer { ref_epoll_et, redis_server, memcached };
enum class PeerClient { redis_benchmark, socklab_load };

std::string server_name(PeerServer server);  // "ref-epoll-et", "redis-server", "memcached"
std::string client_name(PeerClient client);  // "redis-benchmark", "socklab-load"

// One client configuration, measured on several servers.
struct PeerConfig {
  PeerClient client = PeerClient::redis_benchmark;
  std::string test;  // redis-benchmark -t ("ping_inline", "ping_mbulk"); socklab load: "ping"
  int pipeline = 1;
  int clients = 50;
  // "redis-benchmark ping_inline -P 1 -c 50"
  std::string label() const;
  bool operator==(const PeerConfig&) const = default;
};

struct PlannedRun {
  int repetition = 0;  // 1-based
  PeerConfig config;
  PeerServer server = PeerServer::ref_epoll_et;
  // What the client speaks to this server: "resp", or "memcache" for memcached (socklab load
  // sends mn, memcached's no-op, where a RESP client sends PING).
  std::string protocol() const;
};

// The configurations with the servers each is measured on, in the order of repetition 1:
// redis-benchmark's PING_INLINE and PING_MBULK at -P 1 and 16 and -c 50 and 1000 on
// ref-epoll-et and redis-server; socklab load at -P 1 and 16, -c 50, on those and memcached.
struct PeerGroup {
  PeerConfig config;
  std::vector<PeerServer> servers;
};
std::vector<PeerGroup> peer_groups();

// Every run of `repetitions` repetitions: repetition r measures each group's servers starting
// at the (r-1)-th, wrapping round, so that each server goes first as often as any other.
std::vector<PlannedRun> peers_plan(int repetitions);

}  // namespace socklab::bench
