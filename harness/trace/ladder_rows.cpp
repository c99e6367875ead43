#include "harness/trace/ladder_rows.hpp"

#include <fmt/format.h>
#include <netinet/tcp.h>

namespace socklab::harness {
namespace {

bool eventful(const ConnectionSegment& entry) {
  return entry.analysis != 0 || entry.segment.syn() || entry.segment.fin() || entry.segment.rst();
}

constexpr std::size_t kKeptAtEachEnd = 3;

}  // namespace

std::string FoldedStretch::text() const {
  return fmt::format("{} segments in {:.3f} s: client sent {} bytes, server {}", segments, seconds,
                     client_bytes, server_bytes);
}

std::vector<LadderRow> ladder_rows(const TcpConnection& connection, std::size_t fold_longer_than) {
  std::vector<LadderRow> rows;
  const auto& segments = connection.segments;
  std::size_t at = 0;
  while (at < segments.size()) {
    std::size_t run_end = at;
    while (run_end < segments.size() && !eventful(segments[run_end])) ++run_end;
    std::size_t run = run_end - at;
    if (fold_longer_than > 0 && run > fold_longer_than && run > 2 * kKeptAtEachEnd + 1) {
      for (std::size_t i = at; i < at + kKeptAtEachEnd; ++i) rows.push_back({&segments[i], {}});
      LadderRow fold;
      std::size_t fold_begin = at + kKeptAtEachEnd, fold_end = run_end - kKeptAtEachEnd;
      for (std::size_t i = fold_begin; i < fold_end; ++i) {
        const ConnectionSegment& entry = segments[i];
        ++fold.folded.segments;
        (entry.from == Side::client ? fold.folded.client_bytes : fold.folded.server_bytes) +=
            entry.segment.payload_bytes;
      }
      fold.folded.seconds = segments[fold_end - 1].segment.time - segments[fold_begin].segment.time;
      rows.push_back(fold);
      for (std::size_t i = fold_end; i < run_end; ++i) rows.push_back({&segments[i], {}});
    } else {
      for (std::size_t i = at; i < run_end; ++i) rows.push_back({&segments[i], {}});
    }
    if (run_end < segments.size()) rows.push_back({&segments[run_end], {}});
    at = run_end + 1;
  }
  return rows;
}

std::string flag_names(const TcpSegment& segment) {
  std::string names;
  auto add = [&](bool set, const char* name) {
    if (!set) return;
    if (!names.empty()) names += ' ';
    names += name;
  };
  add(segment.syn(), "SYN");
  add(segment.fin(), "FIN");
  add(segment.rst(), "RST");
  add((segment.flags & TH_PUSH) != 0, "PSH");
  add(segment.has_ack(), "ACK");
  add((segment.flags & TH_URG) != 0, "URG");
  return names.empty() ? "(no flags)" : names;
}

std::string segment_label(const ConnectionSegment& entry) {
  const TcpSegment& segment = entry.segment;
  std::string label = flag_names(segment) + fmt::format("  seq {}", entry.relative_seq);
  if (segment.payload_bytes > 0) label += fmt::format(" len {}", segment.payload_bytes);
  if (segment.has_ack()) label += fmt::format("  ack {}", entry.relative_ack);
  label += fmt::format("  win {}", entry.window_bytes);
  if (segment.syn()) {
    std::string options;
    if (segment.mss) options += fmt::format(" mss {}", *segment.mss);
    if (segment.sack_permitted) options += " sack";
    if (segment.timestamps) options += " ts";
    if (segment.window_scale)
      options += fmt::format(" ws {}", 1u << std::min<int>(*segment.window_scale, 14));
    if (!options.empty()) label += " " + options;
  } else if (segment.sack_blocks > 0) {
    label += fmt::format("  sack {}", segment.sack_blocks);
  }
  if (entry.analysis != 0) label += "  [" + analysis_labels(entry.analysis) + "]";
  return label;
}

std::string connection_summary(const TcpConnection& connection) {
  std::uint64_t bytes[2] = {connection.data_bytes(Side::client),
                            connection.data_bytes(Side::server)};
  const char* ending[2] = {"", ""};
  for (const ConnectionSegment& entry : connection.segments) {
    int side = static_cast<int>(entry.from);
    if (entry.segment.rst())
      ending[side] = " then RST";
    else if (entry.segment.fin() && ending[side][0] == '\0')
      ending[side] = " then FIN";
  }
  double seconds = connection.segments.empty() ? 0 : connection.segments.back().since_start;
  return fmt::format("client sent {} bytes{}, server sent {} bytes{}; {} segments over {:.3f} s",
                     bytes[0], ending[0], bytes[1], ending[1], connection.segments.size(), seconds);
}

}  // namespace socklab::harness
