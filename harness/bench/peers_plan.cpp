#include "harness/bench/peers_plan.hpp"

#include <fmt/format.h>

namespace socklab::bench {

std::string server_name(PeerServer server) {
  switch (server) {
    case PeerServer::ref_epoll_et:
      return "ref-epoll-et";
    case PeerServer::redis_server:
      return "redis-server";
    case PeerServer::memcached:
      return "memcached";
  }
  return "unknown";
}

std::string client_name(PeerClient client) {
  return client == PeerClient::redis_benchmark ? "redis-benchmark" : "socklab-load";
}

std::string PeerConfig::label() const {
  return fmt::format("{} {} -P {} -c {}", client_name(client), test, pipeline, clients);
}

std::string PlannedRun::protocol() const {
  return server == PeerServer::memcached ? "memcache" : "resp";
}

std::vector<PeerGroup> peer_groups() {
  std::vector<PeerGroup> groups;
  const std::vector<PeerServer> resp_servers = {PeerServer::ref_epoll_et, PeerServer::redis_server};
  for (const char* test : {"ping_inline", "ping_mbulk"}) {
    for (int pipeline : {1, 16}) {
      for (int clients : {50, 1000}) {
        groups.push_back({{PeerClient::redis_benchmark, test, pipeline, clients}, resp_servers});
      }
    }
  }
  // memcached speaks no RESP: socklab load is the one client that drives all three alike.
  for (int pipeline : {1, 16}) {
    groups.push_back({{PeerClient::socklab_load, "ping", pipeline, 50},
                      {PeerServer::ref_epoll_et, PeerServer::redis_server, PeerServer::memcached}});
  }
  return groups;
}

std::vector<PlannedRun> peers_plan(int repetitions) {
  std::vector<PlannedRun> plan;
  const std::vector<PeerGroup> groups = peer_groups();
  for (int repetition = 1; repetition <= repetitions; ++repetition) {
    for (const PeerGroup& group : groups) {
      const std::size_t count = group.servers.size();
      for (std::size_t i = 0; i < count; ++i) {
        const std::size_t first = static_cast<std::size_t>(repetition - 1) % count;
        plan.push_back({repetition, group.config, group.servers[(first + i) % count]});
      }
    }
  }
  return plan;
}

}  // namespace socklab::bench
