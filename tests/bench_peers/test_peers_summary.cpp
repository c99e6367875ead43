// From single measurements to what the report shows: median and range, a ratio taken within
// each repetition, and the targets of issue 10 judged on the median ratios.
#include <gtest/gtest.h>

#include <stdexcept>

#include "harness/bench/peers_report.hpp"
#include "harness/bench/peers_summary.hpp"

namespace socklab::bench {
namespace {

const PeerConfig kInlineP1{PeerClient::redis_benchmark, "ping_inline", 1, 50};
const PeerConfig kInlineP16{PeerClient::redis_benchmark, "ping_inline", 16, 50};

PeerSample sample(int repetition, const PeerConfig& config, PeerServer server, double rps,
                  double cpu_us) {
  return {{repetition, config, server}, rps, cpu_us};
}

PeerSample sample_with_cores(int repetition, const PeerConfig& config, PeerServer server,
                             double rps, double server_core, double client_core) {
  return {{repetition, config, server}, rps, 1.0, server_core, client_core};
}

TEST(PeerSpread, TheMedianOfAnOddCountIsTheMiddleValue) {
  PeerSpread spread = peer_spread({5, 1, 9, 3, 7});
  EXPECT_DOUBLE_EQ(spread.median, 5);
  EXPECT_DOUBLE_EQ(spread.min, 1);
  EXPECT_DOUBLE_EQ(spread.max, 9);
}

TEST(PeerSpread, TheMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo) {
  EXPECT_DOUBLE_EQ(peer_spread({4, 1, 3, 10}).median, 3.5);
}

TEST(PeerSpread, NoValuesIsAnErrorNotAZero) {
  EXPECT_THROW(peer_spread({}), std::invalid_argument);
}

TEST(RatioRow, TheRatioIsTakenWithinEachRepetition) {
  // The machine is twice as fast in repetition 2; each repetition's ratio is 1.5 even so.
  std::vector<PeerSample> samples = {
      sample(1, kInlineP1, PeerServer::ref_epoll_et, 150, 2),
      sample(1, kInlineP1, PeerServer::redis_server, 100, 4),
      sample(2, kInlineP1, PeerServer::redis_server, 200, 2),
      sample(2, kInlineP1, PeerServer::ref_epoll_et, 300, 1),
  };
  auto row = ratio_row(samples, kInlineP1, PeerServer::ref_epoll_et, PeerServer::redis_server);
  ASSERT_TRUE(row.has_value());
  EXPECT_DOUBLE_EQ(row->rps_ratio.median, 1.5);
  EXPECT_DOUBLE_EQ(row->rps_ratio.min, 1.5);
  EXPECT_DOUBLE_EQ(row->rps_ratio.max, 1.5);
  EXPECT_DOUBLE_EQ(row->subject_rps.median, 225);
  EXPECT_DOUBLE_EQ(row->baseline_rps.min, 100);
  EXPECT_DOUBLE_EQ(row->cpu_ratio.median, 0.5);
}

TEST(RatioRow, ARepetitionThatMeasuredOnlyOneServerIsLeftOut) {
  std::vector<PeerSample> samples = {
      sample(1, kInlineP1, PeerServer::ref_epoll_et, 100, 1),
      sample(1, kInlineP1, PeerServer::redis_server, 100, 1),
      sample(2, kInlineP1, PeerServer::ref_epoll_et, 900, 1),
  };
  auto row = ratio_row(samples, kInlineP1, PeerServer::ref_epoll_et, PeerServer::redis_server);
  ASSERT_TRUE(row.has_value());
  EXPECT_DOUBLE_EQ(row->rps_ratio.max, 1.0);
  EXPECT_DOUBLE_EQ(row->subject_rps.max, 100);
}

TEST(RatioRow, AConfigurationNeverMeasuredHasNoRow) {
  EXPECT_FALSE(ratio_row({}, kInlineP1, PeerServer::ref_epoll_et, PeerServer::redis_server));
}

TEST(Targets, AreJudgedOnTheMedianRatiosOfTheRedisBenchmarkRows) {
  std::vector<PeerSample> samples;
  for (int repetition = 1; repetition <= 3; ++repetition) {
    samples.push_back(sample(repetition, kInlineP1, PeerServer::ref_epoll_et, 105, 3));
    samples.push_back(sample(repetition, kInlineP1, PeerServer::redis_server, 100, 4));
    // 1.05x at -P 16: short of the 1.1x asked for there.
    samples.push_back(sample(repetition, kInlineP16, PeerServer::ref_epoll_et, 1050, 0.5));
    samples.push_back(sample(repetition, kInlineP16, PeerServer::redis_server, 1000, 0.6));
  }
  std::vector<TargetVerdict> verdicts = judge_targets(peers_ratio_rows(samples));
  ASSERT_EQ(verdicts.size(), 3u);
  EXPECT_TRUE(verdicts[0].met) << verdicts[0].evidence;
  EXPECT_FALSE(verdicts[1].met);
  EXPECT_NE(verdicts[1].evidence.find("ping_inline -P 16 -c 50: 1.05x"), std::string::npos)
      << verdicts[1].evidence;
  EXPECT_TRUE(verdicts[2].met) << verdicts[2].evidence;
}

// Measured here at -P 16 -c 50: redis-benchmark's core 0.99 busy against ref-epoll-et, whose
// own core was 0.70 busy; redis-server's 0.96. A missed target then names the client as the limit.
TEST(Targets, AMissedThroughputTargetSaysWhenTheClientSetTheRate) {
  std::vector<PeerSample> samples;
  for (int repetition = 1; repetition <= 3; ++repetition) {
    samples.push_back(
        sample_with_cores(repetition, kInlineP16, PeerServer::ref_epoll_et, 1050, 0.70, 0.99));
    samples.push_back(
        sample_with_cores(repetition, kInlineP16, PeerServer::redis_server, 1000, 0.96, 0.92));
  }
  std::vector<RatioRow> rows = peers_ratio_rows(samples);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].subject_server_core.median, 0.70);
  EXPECT_DOUBLE_EQ(rows[0].baseline_client_core.median, 0.92);
  std::vector<TargetVerdict> verdicts = judge_targets(rows);
  EXPECT_FALSE(verdicts[1].met);
  EXPECT_NE(verdicts[1].evidence.find("the client's core was 0.99 busy and ref-epoll-et's 0.70: "
                                      "the client set the rate"),
            std::string::npos)
      << verdicts[1].evidence;
  // CPU per request 1.0 for both in these samples: the same capacity.
  EXPECT_NE(verdicts[1].evidence.find("would serve 1.00x redis-server's rate"), std::string::npos)
      << verdicts[1].evidence;
  const std::string table = peers_text_table(rows);
  EXPECT_NE(table.find("0.70 / 0.99"), std::string::npos) << table;
  EXPECT_NE(table.find("0.96 / 0.92"), std::string::npos) << table;
  CsvTable csv = peers_csv(samples);
  EXPECT_EQ(csv.field(0, "server_core_busy"), "0.700");
  EXPECT_EQ(csv.field(0, "client_core_busy"), "0.990");
}

// Measured on this machine (redis-benchmark -P 16 -c 50, 10 pairs): ref-epoll-et slept 12 times per
// 1000 requests, redis-server once, and the client spent 9 % more CPU per reply against ref.
TEST(Targets, AClientBoundMissNamesHowOftenEachServerSlept) {
  std::vector<PeerSample> samples;
  for (int repetition = 1; repetition <= 3; ++repetition) {
    PeerSample ours =
        sample_with_cores(repetition, kInlineP16, PeerServer::ref_epoll_et, 960, 0.70, 0.99);
    ours.server_sleeps_per_request = 0.012;
    PeerSample theirs =
        sample_with_cores(repetition, kInlineP16, PeerServer::redis_server, 1000, 0.96, 0.96);
    theirs.server_sleeps_per_request = 0.001;
    samples.push_back(ours);
    samples.push_back(theirs);
  }
  std::vector<RatioRow> rows = peers_ratio_rows(samples);
  ASSERT_EQ(rows.size(), 1u);
  ASSERT_TRUE(rows[0].subject_sleeps && rows[0].baseline_sleeps);
  EXPECT_DOUBLE_EQ(rows[0].subject_sleeps->median, 0.012);
  EXPECT_DOUBLE_EQ(rows[0].baseline_sleeps->median, 0.001);
  std::vector<TargetVerdict> verdicts = judge_targets(rows);
  EXPECT_FALSE(verdicts[1].met);
  EXPECT_NE(verdicts[1].evidence.find("ref-epoll-et went to sleep 12 times per 1000 requests, "
                                      "redis-server 1, and on loopback each wake-up is paid by "
                                      "the client's send()"),
            std::string::npos)
      << verdicts[1].evidence;
  EXPECT_NE(peers_text_table(rows).find("12 / 1"), std::string::npos) << peers_text_table(rows);
  CsvTable csv = peers_csv(samples);
  EXPECT_EQ(csv.field(0, "server_sleeps_per_request"), "0.0120");
  EXPECT_EQ(csv.field(1, "server_sleeps_per_request"), "0.0010");
}

// A miss by less than 0.005 is shown with three decimals, so that "not met" never reads "1.00x".
TEST(Targets, AMissThatRoundsOntoTheLimitIsShownWithThreeDecimals) {
  std::vector<PeerSample> samples = {sample(1, kInlineP1, PeerServer::ref_epoll_et, 997, 1),
                                     sample(1, kInlineP1, PeerServer::redis_server, 1000, 1)};
  std::vector<TargetVerdict> verdicts = judge_targets(peers_ratio_rows(samples));
  EXPECT_FALSE(verdicts[0].met);
  EXPECT_NE(verdicts[0].evidence.find("worst ping_inline -P 1 -c 50: 0.997x"), std::string::npos)
      << verdicts[0].evidence;
  // The CPU target (<= 1.0) was met at exactly 1.00: two decimals.
  EXPECT_TRUE(verdicts[2].met);
  EXPECT_NE(verdicts[2].evidence.find(": 1.00x"), std::string::npos) << verdicts[2].evidence;
}

// Sleeps that were not measured (-1) are not shown, and do not count as "slept less".
TEST(Targets, UnmeasuredSleepsAreLeftOutOfTheEvidenceAndTheTable) {
  std::vector<PeerSample> samples = {
      sample_with_cores(1, kInlineP16, PeerServer::ref_epoll_et, 960, 0.70, 0.99),
      sample_with_cores(1, kInlineP16, PeerServer::redis_server, 1000, 0.96, 0.96)};
  std::vector<RatioRow> rows = peers_ratio_rows(samples);
  std::vector<TargetVerdict> verdicts = judge_targets(rows);
  EXPECT_EQ(verdicts[1].evidence.find("went to sleep"), std::string::npos) << verdicts[1].evidence;
  EXPECT_FALSE(rows[0].subject_sleeps.has_value());
  // The row's last cell, the sleeps column, says "-".
  const std::string table = peers_text_table(rows);
  const std::size_t row_start = table.find("redis-benchmark ping_inline -P 16 -c 50");
  ASSERT_NE(row_start, std::string::npos) << table;
  const std::string line = table.substr(row_start, table.find('\n', row_start) - row_start);
  EXPECT_EQ(line.substr(line.size() - 3), "  -") << line;
  EXPECT_EQ(peers_csv(samples).field(0, "server_sleeps_per_request"), "");
}

// A saturated server may never sleep: a measured zero is shown as 0, not as "not measured".
TEST(PeersReport, ServersThatNeverSleptShowZeroSleeps) {
  std::vector<PeerSample> samples = {sample(1, kInlineP16, PeerServer::ref_epoll_et, 420'000, 2),
                                     sample(1, kInlineP16, PeerServer::redis_server, 400'000, 2)};
  for (PeerSample& measured : samples) measured.server_sleeps_per_request = 0;
  std::vector<RatioRow> rows = peers_ratio_rows(samples);
  ASSERT_TRUE(rows[0].subject_sleeps.has_value());
  const std::string table = peers_text_table(rows);
  EXPECT_NE(table.find("0 / 0\n"), std::string::npos) << table;
}

// The server at its limit: the miss is the server's, and the evidence does not blame the client.
TEST(Targets, AMissedTargetWithTheServerBusiestDoesNotBlameTheClient) {
  std::vector<PeerSample> samples = {
      sample_with_cores(1, kInlineP16, PeerServer::ref_epoll_et, 1000, 0.99, 0.95),
      sample_with_cores(1, kInlineP16, PeerServer::redis_server, 1000, 0.99, 0.95)};
  std::vector<TargetVerdict> verdicts = judge_targets(peers_ratio_rows(samples));
  EXPECT_FALSE(verdicts[1].met);
  EXPECT_EQ(verdicts[1].evidence.find("the client set the rate"), std::string::npos)
      << verdicts[1].evidence;
}

TEST(Targets, AreNotMetWhenTheirRowsWereNeverMeasured) {
  for (const TargetVerdict& verdict : judge_targets({})) {
    EXPECT_FALSE(verdict.met) << verdict.target;
    EXPECT_EQ(verdict.evidence, "not measured");
  }
}

TEST(PeersReport, TheTableShowsMedianAndRangeOfRatesAndRatios) {
  std::vector<PeerSample> samples = {
      sample(1, kInlineP16, PeerServer::ref_epoll_et, 420'000, 2.0),
      sample(1, kInlineP16, PeerServer::redis_server, 400'000, 2.5),
  };
  const std::string table = peers_text_table(peers_ratio_rows(samples));
  EXPECT_NE(table.find("redis-benchmark ping_inline -P 16 -c 50"), std::string::npos) << table;
  EXPECT_NE(table.find("420k [420k-420k]"), std::string::npos) << table;
  EXPECT_NE(table.find("1.05 [1.05-1.05]"), std::string::npos) << table;
  EXPECT_NE(table.find("0.80 [0.80-0.80]"), std::string::npos) << table;
}

TEST(PeersReport, TheCsvHasOneRowPerMeasurement) {
  std::vector<PeerSample> samples = {
      sample(1, kInlineP16, PeerServer::ref_epoll_et, 420'000, 2.0),
      sample(1, kInlineP16, PeerServer::redis_server, 400'000, 2.5),
  };
  CsvTable table = peers_csv(samples);
  ASSERT_EQ(table.rows.size(), 2u);
  EXPECT_EQ(table.field(1, "server"), "redis-server");
  EXPECT_EQ(table.field(1, "rps"), "400000.0");
  EXPECT_EQ(table.field(0, "cpu_us_per_request"), "2.000");
  EXPECT_EQ(table.field(0, "pipeline"), "16");
}

}  // namespace
}  // namespace socklab::bench
