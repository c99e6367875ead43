// The rows of a ladder diagram, shared by the terminal and SVG renderings: one row per
// segment, with long uneventful stretches (data and ACKs flowing, nothing else) folded into a
// single summary row so that the handshake, the close and every analysis flag stay in view.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

struct FoldedStretch {
  std::size_t segments = 0;
  double seconds = 0;
  std::uint64_t client_bytes = 0;  // payload the client sent in the stretch
  std::uint64_t server_bytes = 0;
  // Segments with SYN, FIN, RST or an analysis flag inside the stretch: only a ladder cut to a
  // height (capped_rows) hides those, and then its folded row says how many it hid.
  std::size_t flagged = 0;
  std::string text() const;  // "1234 segments in 0.120 s: client sent 524288 bytes, server 0"
};

struct LadderRow {
  const ConnectionSegment* segment = nullptr;  // null for a folded stretch
  FoldedStretch folded;
};

// What `socklab trace show` folds at: more than a screenful of plain segments.
inline constexpr std::size_t kDefaultFoldLongerThan = 12;

// Runs longer than `fold_longer_than` segments without SYN, FIN, RST or any analysis flag keep
// their first and last three rows; the middle becomes one folded row. 0 folds nothing.
std::vector<LadderRow> ladder_rows(const TcpConnection& connection, std::size_t fold_longer_than);

// At most `max_rows` rows (0: no limit), for pages and slides where a bulk transfer's thousands
// of rows would be unreadable: the first two thirds and the last third are kept, where the
// handshake and the close are, and the rows between become one folded row that counts the
// flagged segments it hides.
std::vector<LadderRow> capped_rows(std::vector<LadderRow> rows, std::size_t max_rows);

// "SYN ACK  seq 0  ack 1  win 65160  mss 1460 sack ts ws 7  [TCP Dup ACK]": what an arrow
// carries, Wireshark's words for the analysis.
std::string segment_label(const ConnectionSegment& entry);
// "SYN ACK", "PSH ACK", "FIN ACK", "RST"
std::string flag_names(const TcpSegment& segment);

// "client sent 1048576 bytes (FIN), server sent 1048576 bytes (FIN); 1706 segments over 0.508 s"
std::string connection_summary(const TcpConnection& connection);

}  // namespace socklab::harness
