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
  std::string text = fmt::format("{} segments in {:.3f} s: client sent {} bytes, server {}",
                                 segments, seconds, client_bytes, server_bytes);
  if (flagged > 0) text += fmt::format(" ({} flagged, not shown)", flagged);
  return text;
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

std::vector<LadderRow> capped_rows(std::vector<LadderRow> rows, std::size_t max_rows) {
  // Fewer than 3 rows could not keep both ends around the folded one.
  if (max_rows < 3 || rows.size() <= max_rows) return rows;
  std::size_t tail = (max_rows - 1) / 3, head = max_rows - 1 - tail;
  LadderRow cut;
  const TcpSegment* before = nullptr;  // the last segment shown above the cut
  const TcpSegment* after = nullptr;   // and the first below it
  for (std::size_t i = head; i-- > 0 && before == nullptr;)
    if (rows[i].segment != nullptr) before = &rows[i].segment->segment;
  for (std::size_t i = rows.size() - tail; i < rows.size() && after == nullptr; ++i)
    if (rows[i].segment != nullptr) after = &rows[i].segment->segment;
  for (std::size_t i = head; i < rows.size() - tail; ++i) {
    const LadderRow& row = rows[i];
    if (row.segment == nullptr) {
      cut.folded.segments += row.folded.segments;
      cut.folded.client_bytes += row.folded.client_bytes;
      cut.folded.server_bytes += row.folded.server_bytes;
      cut.folded.flagged += row.folded.flagged;
      continue;
    }
    ++cut.folded.segments;
    (row.segment->from == Side::client ? cut.folded.client_bytes : cut.folded.server_bytes) +=
        row.segment->segment.payload_bytes;
    if (eventful(*row.segment)) ++cut.folded.flagged;
  }
  if (before != nullptr && after != nullptr) cut.folded.seconds = after->time - before->time;
  std::vector<LadderRow> capped(rows.begin(), rows.begin() + static_cast<std::ptrdiff_t>(head));
  capped.push_back(cut);
  capped.insert(capped.end(), rows.end() - static_cast<std::ptrdiff_t>(tail), rows.end());
  return capped;
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
