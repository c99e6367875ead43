#include "harness/bench/peers_summary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <stdexcept>

namespace socklab::bench {
namespace {

struct PairedFigures {
  std::vector<double> subject_rps, baseline_rps, rps_ratio;
  std::vector<double> subject_cpu, baseline_cpu, cpu_ratio;
  std::vector<double> subject_server_core, subject_client_core, baseline_server_core,
      baseline_client_core;
  std::vector<double> subject_sleeps, baseline_sleeps;
};

// A core this busy over a run (CPU seconds / wall seconds) was the limit of that run.
constexpr double kSaturatedCore = 0.9;

// Every ref-vs-redis row that `pick` accepts must satisfy `holds`; the evidence names the row
// farthest from it.
TargetVerdict judge(const std::string& target, const std::vector<RatioRow>& rows,
                    const std::function<bool(const RatioRow&)>& pick,
                    const std::function<double(const RatioRow&)>& value, double limit,
                    bool at_least) {
  TargetVerdict verdict{target, true, ""};
  const RatioRow* worst = nullptr;
  for (const RatioRow& row : rows) {
    if (row.subject != PeerServer::ref_epoll_et || row.baseline != PeerServer::redis_server ||
        row.config.client != PeerClient::redis_benchmark || !pick(row)) {
      continue;
    }
    const bool holds = at_least ? value(row) >= limit : value(row) <= limit;
    if (!holds) verdict.met = false;
    if (worst == nullptr || (at_least ? value(row) < value(*worst) : value(row) > value(*worst))) {
      worst = &row;
    }
  }
  if (worst == nullptr) return {target, false, "not measured"};
  // Two decimals, or three where two would round a miss onto the limit ("0.997x", not "1.00x").
  const double shown = value(*worst);
  const bool rounds_onto_limit =
      !verdict.met && fmt::format("{:.2f}", shown) == fmt::format("{:.2f}", limit);
  verdict.evidence = fmt::format("{} {} -P {} -c {}: {:.{}f}x", verdict.met ? "closest" : "worst",
                                 worst->config.test, worst->config.pipeline, worst->config.clients,
                                 shown, rounds_onto_limit ? 3 : 2);
  // A missed throughput target says which side set the rate: a client whose core was busy
  // through the runs was the limit, and the ratio then measures the client as much as the server.
  const double client = worst->subject_client_core.median;
  const double server = worst->subject_server_core.median;
  if (!verdict.met && at_least && client >= kSaturatedCore && server < client) {
    verdict.evidence += fmt::format(
        "; in those runs the client's core was {:.2f} busy and ref-epoll-et's {:.2f}: the client "
        "set the rate, not the server",
        client, server);
    // What each server could do with a core to itself: the inverse of its CPU per request.
    if (worst->cpu_ratio.median > 0) {
      verdict.evidence += fmt::format(
          "; by CPU per request ref-epoll-et would serve {:.2f}x redis-server's rate on a core "
          "of its own",
          1.0 / worst->cpu_ratio.median);
    }
    // Why the client was slower against ref-epoll-et: it woke the server more often per request
    // (measured by perf: the wake-up inside the client's send() is its largest single cost).
    if (worst->subject_sleeps && worst->baseline_sleeps &&
        worst->subject_sleeps->median > worst->baseline_sleeps->median) {
      const double ours = worst->subject_sleeps->median, theirs = worst->baseline_sleeps->median;
      verdict.evidence += fmt::format(
          "; ref-epoll-et went to sleep {:.0f} times per 1000 requests, redis-server {:.0f}, and "
          "on loopback each wake-up is paid by the client's send()",
          ours * 1000, theirs * 1000);
    }
  }
  return verdict;
}

}  // namespace

PeerSpread peer_spread(std::vector<double> values) {
  if (values.empty()) throw std::invalid_argument("peer_spread: no values");
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  const double median =
      values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  return {median, values.front(), values.back()};
}

std::optional<RatioRow> ratio_row(const std::vector<PeerSample>& samples, const PeerConfig& config,
                                  PeerServer subject, PeerServer baseline) {
  // Repetition -> that repetition's sample of each server.
  std::map<int, std::pair<const PeerSample*, const PeerSample*>> by_repetition;
  for (const PeerSample& sample : samples) {
    if (!(sample.run.config == config)) continue;
    if (sample.run.server == subject) by_repetition[sample.run.repetition].first = &sample;
    if (sample.run.server == baseline) by_repetition[sample.run.repetition].second = &sample;
  }
  PairedFigures figures;
  for (const auto& [repetition, pair] : by_repetition) {
    const auto& [ours, theirs] = pair;
    if (ours == nullptr || theirs == nullptr) continue;  // an unfinished repetition
    figures.subject_rps.push_back(ours->requests_per_second);
    figures.baseline_rps.push_back(theirs->requests_per_second);
    figures.rps_ratio.push_back(ours->requests_per_second / theirs->requests_per_second);
    figures.subject_cpu.push_back(ours->cpu_us_per_request);
    figures.baseline_cpu.push_back(theirs->cpu_us_per_request);
    // A run too short for one CPU tick of /proc reads as 0 µs: no ratio from that pair.
    if (theirs->cpu_us_per_request > 0) {
      figures.cpu_ratio.push_back(ours->cpu_us_per_request / theirs->cpu_us_per_request);
    }
    if (ours->server_core_busy >= 0 && theirs->server_core_busy >= 0) {
      figures.subject_server_core.push_back(ours->server_core_busy);
      figures.subject_client_core.push_back(ours->client_core_busy);
      figures.baseline_server_core.push_back(theirs->server_core_busy);
      figures.baseline_client_core.push_back(theirs->client_core_busy);
    }
    if (ours->server_sleeps_per_request >= 0 && theirs->server_sleeps_per_request >= 0) {
      figures.subject_sleeps.push_back(ours->server_sleeps_per_request);
      figures.baseline_sleeps.push_back(theirs->server_sleeps_per_request);
    }
  }
  if (figures.rps_ratio.empty()) return std::nullopt;
  RatioRow row{config,
               subject,
               baseline,
               peer_spread(figures.subject_rps),
               peer_spread(figures.baseline_rps),
               peer_spread(figures.rps_ratio),
               peer_spread(figures.subject_cpu),
               peer_spread(figures.baseline_cpu),
               {},
               {},
               {},
               {},
               {},
               {},
               {}};
  if (!figures.cpu_ratio.empty()) row.cpu_ratio = peer_spread(figures.cpu_ratio);
  if (!figures.subject_server_core.empty()) {
    row.subject_server_core = peer_spread(figures.subject_server_core);
    row.subject_client_core = peer_spread(figures.subject_client_core);
    row.baseline_server_core = peer_spread(figures.baseline_server_core);
    row.baseline_client_core = peer_spread(figures.baseline_client_core);
  }
  if (!figures.subject_sleeps.empty()) {
    row.subject_sleeps = peer_spread(figures.subject_sleeps);
    row.baseline_sleeps = peer_spread(figures.baseline_sleeps);
  }
  return row;
}

std::vector<RatioRow> peers_ratio_rows(const std::vector<PeerSample>& samples) {
  std::vector<RatioRow> rows;
  const std::vector<PeerGroup> groups = peer_groups();
  for (const PeerGroup& group : groups) {
    auto row = ratio_row(samples, group.config, PeerServer::ref_epoll_et, PeerServer::redis_server);
    if (row) rows.push_back(*row);
  }
  for (const PeerGroup& group : groups) {
    if (std::find(group.servers.begin(), group.servers.end(), PeerServer::memcached) ==
        group.servers.end()) {
      continue;
    }
    auto row = ratio_row(samples, group.config, PeerServer::memcached, PeerServer::ref_epoll_et);
    if (row) rows.push_back(*row);
  }
  return rows;
}

std::vector<TargetVerdict> judge_targets(const std::vector<RatioRow>& rows) {
  auto rps = [](const RatioRow& row) { return row.rps_ratio.median; };
  auto cpu = [](const RatioRow& row) { return row.cpu_ratio.median; };
  return {
      judge(
          "requests/s >= 1.0x redis-server at -P 1 -c 50", rows,
          [](const RatioRow& row) { return row.config.pipeline == 1 && row.config.clients == 50; },
          rps, 1.0, true),
      judge(
          "requests/s >= 1.1x redis-server at -P 16", rows,
          [](const RatioRow& row) { return row.config.pipeline == 16; }, rps, 1.1, true),
      judge(
          "server CPU per request <= redis-server's", rows, [](const RatioRow&) { return true; },
          cpu, 1.0, false),
  };
}

}  // namespace socklab::bench
