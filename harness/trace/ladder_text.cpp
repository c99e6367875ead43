#include "harness/trace/ladder_text.hpp"

#include <fmt/format.h>

#include "harness/trace/ladder_rows.hpp"

namespace socklab::harness {
namespace {

constexpr std::size_t kArrowWidth = 76;  // between the two vertical lines

// "|---- label ------->|" or "|<--- label --------|", stretched when the label is longer.
std::string arrow(const std::string& label, bool to_the_right) {
  std::string head = to_the_right ? "---- " : "<--- ";
  std::string body = head + label + " ";
  std::size_t width = std::max(kArrowWidth, body.size() + 4);
  std::string line = body + std::string(width - body.size() - 1, '-') + (to_the_right ? ">" : "-");
  return "|" + line + "|";
}

}  // namespace

void write_text_ladder(std::ostream& out, const TcpConnection& connection, std::size_t number,
                       std::size_t count, std::size_t fold_longer_than, std::size_t max_rows) {
  out << fmt::format("connection {} of {}: {}\n  {}\n", number, count, connection.title(),
                     connection_summary(connection));
  out << fmt::format("{:>10} {:>7}  client{:>{}}\n", "time (s)", "frame", "server",
                     kArrowWidth - 3);
  for (const LadderRow& row : capped_rows(ladder_rows(connection, fold_longer_than), max_rows)) {
    if (row.segment == nullptr) {
      out << fmt::format("{:>10} {:>7}  |{:^{}}|\n", "", "",
                         ". . . " + row.folded.text() + " . . .", kArrowWidth);
      continue;
    }
    const ConnectionSegment& entry = *row.segment;
    out << fmt::format("{:>10.6f} {:>7}  {}\n", entry.since_start, entry.segment.frame,
                       arrow(segment_label(entry), entry.from == Side::client));
  }
  out << "\n";
}

}  // namespace socklab::harness
