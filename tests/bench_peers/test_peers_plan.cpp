// The order of `socklab bench peers`: every configuration on all its servers in every
// repetition, back to back, with the server that goes first rotating between repetitions.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "harness/bench/peers_plan.hpp"

namespace socklab::bench {
namespace {

// The servers of `config` in repetition `repetition`, in the order they run.
std::vector<PeerServer> order_of(const std::vector<PlannedRun>& plan, const PeerConfig& config,
                                 int repetition) {
  std::vector<PeerServer> order;
  for (const PlannedRun& run : plan) {
    if (run.config == config && run.repetition == repetition) order.push_back(run.server);
  }
  return order;
}

TEST(PeersPlan, MeasuresEveryConfigurationOnEachOfItsServersInEveryRepetition) {
  const std::vector<PlannedRun> plan = peers_plan(3);
  // redis-benchmark: 2 tests x 2 pipelines x 2 client counts on 2 servers; socklab load:
  // 2 pipelines on 3 servers.
  EXPECT_EQ(plan.size(), 3u * (2 * 2 * 2 * 2 + 2 * 3));
  std::map<std::pair<int, std::string>, std::set<PeerServer>> seen;
  for (const PlannedRun& run : plan) seen[{run.repetition, run.config.label()}].insert(run.server);
  for (const PeerGroup& group : peer_groups()) {
    for (int repetition = 1; repetition <= 3; ++repetition) {
      const std::set<PeerServer>& measured = seen[{repetition, group.config.label()}];
      EXPECT_EQ(measured.size(), group.servers.size())
          << group.config.label() << " in repetition " << repetition;
    }
  }
}

TEST(PeersPlan, TheServerThatGoesFirstAlternatesBetweenRepetitions) {
  const std::vector<PlannedRun> plan = peers_plan(2);
  const PeerConfig pipelined{PeerClient::redis_benchmark, "ping_inline", 16, 50};
  const std::vector<PeerServer> first = order_of(plan, pipelined, 1);
  const std::vector<PeerServer> second = order_of(plan, pipelined, 2);
  ASSERT_EQ(first.size(), 2u);
  ASSERT_EQ(second.size(), 2u);
  EXPECT_EQ(first[0], second[1]);
  EXPECT_EQ(first[1], second[0]);
}

TEST(PeersPlan, EachOfThreeServersGoesFirstOnceInThreeRepetitions) {
  const std::vector<PlannedRun> plan = peers_plan(3);
  const PeerConfig load{PeerClient::socklab_load, "ping", 1, 50};
  std::set<PeerServer> firsts;
  for (int repetition = 1; repetition <= 3; ++repetition) {
    firsts.insert(order_of(plan, load, repetition).front());
  }
  EXPECT_EQ(firsts.size(), 3u);
}

TEST(PeersPlan, TheRunsOfOneConfigurationAreBackToBack) {
  // Two runs compared in a ratio are next to each other in time, so a slow spell hits both.
  const std::vector<PlannedRun> plan = peers_plan(2);
  for (std::size_t i = 1; i + 1 < plan.size(); ++i) {
    if (plan[i].config == plan[i - 1].config || plan[i].config == plan[i + 1].config) continue;
    ADD_FAILURE() << plan[i].config.label() << " in repetition " << plan[i].repetition
                  << " runs apart from its other servers";
  }
}

TEST(PeersPlan, MemcachedIsSpokenToInItsOwnProtocolAndTheOthersInResp) {
  for (const PlannedRun& run : peers_plan(1)) {
    EXPECT_EQ(run.protocol(), run.server == PeerServer::memcached ? "memcache" : "resp");
    if (run.server == PeerServer::memcached) {
      EXPECT_EQ(run.config.client, PeerClient::socklab_load);
    }
  }
}

}  // namespace
}  // namespace socklab::bench
