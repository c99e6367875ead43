// A synthetic trace read back the way `socklab trace show` reads a capture, and the
// tcp.analysis flags of a capture frame by frame, which is what the analysis tests compare.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/trace/pcap_file.hpp"
#include "harness/trace/tcp_connection.hpp"
#include "tests/trace/pcap_writer.hpp"

namespace socklab::trace_test {

// The flags of every flagged frame; a frame that is not listed carries none. Comparing two of
// these checks the frame that should carry a flag and, as much, every frame that should not.
struct FrameFlags {
  FrameFlags() = default;
  FrameFlags(std::initializer_list<std::pair<const std::uint32_t, harness::AnalysisFlags>> frames)
      : by_frame(frames) {}
  bool operator==(const FrameFlags&) const = default;

  std::map<std::uint32_t, harness::AnalysisFlags> by_frame;
};

// Wireshark's field names without "tcp.analysis.": "retransmission,fast_retransmission".
std::string field_names(harness::AnalysisFlags flags);
// How GoogleTest prints a FrameFlags: "{ 5: retransmission; 9: duplicate_ack }".
void PrintTo(const FrameFlags& flags, std::ostream* out);

FrameFlags flags_by_frame(const std::vector<harness::TcpConnection>& connections);

struct AnalyzedTrace {
  harness::PcapContents contents;
  std::vector<harness::TcpConnection> connections;
  FrameFlags flags;

  // The segment in frame `number`, in whichever connection it is; throws std::out_of_range
  // when no TCP segment has that number.
  const harness::ConnectionSegment& frame(std::uint32_t number) const;
};

// Writes the trace to a temporary file, then reads it back with read_pcap_file and
// split_connections: the whole path a real capture takes.
AnalyzedTrace analyze(const SyntheticTrace& trace, LinkType link = LinkType::ethernet);

}  // namespace socklab::trace_test

namespace socklab::harness {

// GoogleTest prints a Side as "client" or "server" rather than as a number.
inline void PrintTo(Side side, std::ostream* out) { *out << side_name(side); }

}  // namespace socklab::harness
