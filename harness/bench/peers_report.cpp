#include "harness/bench/peers_report.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace socklab::bench {
namespace {

std::string spread_text(const PeerSpread& spread, std::string (*text)(double)) {
  return fmt::format("{} [{}-{}]", text(spread.median), text(spread.min), text(spread.max));
}

std::string cpu_text(double us) { return fmt::format("{:.2f}", us); }

// "0.70 / 0.99": how busy the server's core and the client's were (medians); "-" unmeasured.
std::string cores_text(const PeerSpread& server, const PeerSpread& client) {
  if (server.max == 0 && client.max == 0) return "-";
  return fmt::format("{:.2f} / {:.2f}", server.median, client.median);
}

std::string core_busy_text(double busy) { return busy < 0 ? "" : fmt::format("{:.3f}", busy); }

// "199 / 138": how often each server went to sleep per 1000 requests (medians); "-" unmeasured.
std::string sleeps_text(const std::optional<PeerSpread>& subject,
                        const std::optional<PeerSpread>& baseline) {
  if (!subject || !baseline) return "-";
  return fmt::format("{:.0f} / {:.0f}", subject->median * 1000, baseline->median * 1000);
}

std::string sleeps_per_request_text(double sleeps) {
  return sleeps < 0 ? "" : fmt::format("{:.4f}", sleeps);
}

bool same_pair(const RatioRow& row, PeerServer subject, PeerServer baseline) {
  return row.subject == subject && row.baseline == baseline;
}

// The cells of one row: configuration, subject rps, baseline rps, ratio, subject CPU,
// baseline CPU, CPU ratio, the cores busy in each, and how often each server slept.
std::vector<std::string> row_cells(const RatioRow& row) {
  return {row.config.label(),
          spread_text(row.subject_rps, rate_text),
          spread_text(row.baseline_rps, rate_text),
          ratio_text(row.rps_ratio),
          spread_text(row.subject_cpu_us, cpu_text),
          spread_text(row.baseline_cpu_us, cpu_text),
          ratio_text(row.cpu_ratio),
          cores_text(row.subject_server_core, row.subject_client_core),
          cores_text(row.baseline_server_core, row.baseline_client_core),
          sleeps_text(row.subject_sleeps, row.baseline_sleeps)};
}

std::vector<std::string> header_cells(PeerServer subject, PeerServer baseline) {
  const std::string ours = server_name(subject);
  const std::string theirs = server_name(baseline);
  return {"configuration",
          ours + " req/s",
          theirs + " req/s",
          "ratio",
          ours + " CPU us/req",
          theirs + " CPU us/req",
          "CPU ratio",
          ours + " cores busy (server / client)",
          theirs + " cores busy (server / client)",
          "server sleeps per 1000 req (" + ours + " / " + theirs + ")"};
}

// The two pairs the report compares, in the order it shows them.
const std::vector<std::pair<PeerServer, PeerServer>>& compared_pairs() {
  static const std::vector<std::pair<PeerServer, PeerServer>> pairs = {
      {PeerServer::ref_epoll_et, PeerServer::redis_server},
      {PeerServer::memcached, PeerServer::ref_epoll_et}};
  return pairs;
}

}  // namespace

std::string rate_text(double requests_per_second) {
  if (requests_per_second >= 100'000) return fmt::format("{:.0f}k", requests_per_second / 1000);
  if (requests_per_second >= 10'000) return fmt::format("{:.1f}k", requests_per_second / 1000);
  if (requests_per_second >= 1'000) return fmt::format("{:.2f}k", requests_per_second / 1000);
  return fmt::format("{:.0f}", requests_per_second);
}

std::string ratio_text(const PeerSpread& ratio) {
  if (ratio.median == 0 && ratio.max == 0) return "-";  // nothing to divide by
  return fmt::format("{:.2f} [{:.2f}-{:.2f}]", ratio.median, ratio.min, ratio.max);
}

std::string peers_text_table(const std::vector<RatioRow>& rows) {
  std::string text;
  for (const auto& [subject, baseline] : compared_pairs()) {
    std::vector<std::vector<std::string>> table = {header_cells(subject, baseline)};
    for (const RatioRow& row : rows) {
      if (same_pair(row, subject, baseline)) table.push_back(row_cells(row));
    }
    if (table.size() == 1) continue;
    std::vector<std::size_t> widths(table.front().size(), 0);
    for (const auto& cells : table) {
      for (std::size_t i = 0; i < cells.size(); ++i)
        widths[i] = std::max(widths[i], cells[i].size());
    }
    text += fmt::format("{} / {}: median [min-max] over the repetitions\n", server_name(subject),
                        server_name(baseline));
    for (const auto& cells : table) {
      std::string line;
      for (std::size_t i = 0; i < cells.size(); ++i) {
        line += fmt::format("{:<{}}", cells[i], widths[i] + (i + 1 < cells.size() ? 2 : 0));
      }
      while (!line.empty() && line.back() == ' ') line.pop_back();
      text += line + "\n";
    }
    text += "\n";
  }
  return text;
}

std::string target_lines(const std::vector<TargetVerdict>& verdicts) {
  std::string text;
  for (const TargetVerdict& verdict : verdicts) {
    text += fmt::format("target {}: ref-epoll-et {} ({})\n", verdict.met ? "met" : "NOT met",
                        verdict.target, verdict.evidence);
  }
  return text;
}

std::string peers_markdown_table(const std::vector<RatioRow>& rows) {
  std::string text;
  for (const auto& [subject, baseline] : compared_pairs()) {
    std::string body;
    for (const RatioRow& row : rows) {
      if (!same_pair(row, subject, baseline)) continue;
      std::vector<std::string> cells = row_cells(row);
      cells.front() = "`" + cells.front() + "`";
      body += "| " + fmt::format("{}", fmt::join(cells, " | ")) + " |\n";
    }
    if (body.empty()) continue;
    std::vector<std::string> header = header_cells(subject, baseline);
    text += "| " + fmt::format("{}", fmt::join(header, " | ")) + " |\n";
    text += "|";
    for (std::size_t i = 0; i < header.size(); ++i) text += i == 0 ? " --- |" : " ---: |";
    text += "\n" + body + "\n";
  }
  return text;
}

CsvTable peers_csv(const std::vector<PeerSample>& samples) {
  CsvTable table;
  table.columns = {"repetition",
                   "client",
                   "test",
                   "pipeline",
                   "clients",
                   "server",
                   "protocol",
                   "rps",
                   "cpu_us_per_request",
                   "server_core_busy",
                   "client_core_busy",
                   "server_sleeps_per_request"};
  for (const PeerSample& sample : samples) {
    const PlannedRun& run = sample.run;
    table.rows.push_back(
        {std::to_string(run.repetition), client_name(run.config.client), run.config.test,
         std::to_string(run.config.pipeline), std::to_string(run.config.clients),
         server_name(run.server), run.protocol(), fmt::format("{:.1f}", sample.requests_per_second),
         fmt::format("{:.3f}", sample.cpu_us_per_request), core_busy_text(sample.server_core_busy),
         core_busy_text(sample.client_core_busy),
         sleeps_per_request_text(sample.server_sleeps_per_request)});
  }
  return table;
}

}  // namespace socklab::bench
