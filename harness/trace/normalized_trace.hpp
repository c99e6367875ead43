// The normalized trace: what a capture means in TCP terms, written so that two runs of the
// same program give the same text on any kernel. Ports, addresses, sequence numbers, times,
// segmentation, pure ACKs, retransmissions and reordering are left out; what stays is, per
// connection, how it opened, what each side sent and how it ended, zero windows held for a while (a
// reader that stopped) and keepalive probes. Connections that mean the same are folded into one
// block with a count.
//
//   # socklab normalized trace, format 1
//   connection x1
//     handshake: complete
//     client SYNs: 1
//     client sends: 65536 bytes, then FIN
//     server sends: 65536 bytes, then FIN
//     first to close: client FIN
//     zero window held by: none
//     keepalive probes: none
//
// Where Linux legitimately varies between runs, a golden lists every accepted outcome
// separated by " | ", each of which may be a glob ("* bytes, then RST"); a comparison accepts
// any of them.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

struct TraceFact {
  std::string key;                              // "server sends"
  std::vector<std::string> accepted;            // {"65536 bytes, then FIN"}; several in a golden
  bool accepts(const TraceFact& actual) const;  // every actual value is accepted here
  std::string value_text() const;               // values joined by " | "
};

struct NormalizedConnection {
  std::size_t count = 1;  // how many connections of the capture mean exactly this
  std::vector<TraceFact> facts;
  const TraceFact* fact(const std::string& key) const;
  // Every fact of `actual` is accepted by the same fact here.
  bool accepts(const NormalizedConnection& actual) const;
};

struct NormalizedTrace {
  std::vector<std::string> comments;  // "# ..." lines after the first, kept as written
  std::vector<NormalizedConnection> connections;
};

NormalizedTrace normalize(const std::vector<TcpConnection>& connections);
// Merges blocks whose facts are the same, adding their counts (after patterns replaced values).
void fold_identical_blocks(NormalizedTrace& trace);

std::string to_text(const NormalizedTrace& trace);
// Throws std::runtime_error naming the line that is not in the format.
NormalizedTrace parse_normalized_trace(const std::string& text);

// Reads a .trace file, or normalizes a .pcap / .pcap.gz capture.
NormalizedTrace load_normalized_trace(const std::string& path);

}  // namespace socklab::harness
