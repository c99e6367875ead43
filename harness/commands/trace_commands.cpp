#include "harness/commands/trace_commands.hpp"

#include <cstdio>
#include <iostream>
#include <map>

#include "harness/trace/ladder_text.hpp"
#include "harness/trace/pcap_file.hpp"

namespace socklab::harness {
namespace {

constexpr std::size_t kFoldLongerThan = 12;

}  // namespace

// One line per segment with a flag, in frame order, in Wireshark's field names: made to be
// compared with `tshark -T fields -e tcp.analysis.<flag> ...`.
int print_analysis_fields(const std::vector<TcpConnection>& connections) {
  std::map<std::uint32_t, AnalysisFlags> by_frame;
  for (const TcpConnection& connection : connections) {
    for (const ConnectionSegment& entry : connection.segments) {
      if (entry.analysis != 0) by_frame[entry.segment.frame] |= entry.analysis;
    }
  }
  for (const auto& [frame, flags] : by_frame) {
    std::string fields;
    for (AnalysisFlag flag : kAllAnalysisFlags) {
      if (!(flags & flag)) continue;
      fields += (fields.empty() ? "" : ",") + std::string(analysis_field(flag));
    }
    std::printf("%u\t%s\n", frame, fields.c_str());
  }
  return 0;
}

int trace_show(const TraceShowOptions& options) {
  PcapContents contents = read_pcap_file(options.file);
  std::vector<TcpConnection> connections = split_connections(contents.segments);
  if (options.analysis_fields) return print_analysis_fields(connections);
  std::cout << options.file << ": " << contents.frames << " frames (" << contents.link_type << "), "
            << connections.size() << " TCP connection" << (connections.size() == 1 ? "" : "s");
  if (contents.other_frames > 0) std::cout << "; " << contents.other_frames << " frames not IPv4 TCP, not shown";
  std::cout << "\n";
  if (!contents.truncated.empty()) {
    std::cout << "warning: the file ends in the middle of a frame (" << contents.truncated
              << "): it was cut while being written; the frames before are shown\n";
  }
  std::cout << "\n";
  if (options.connection > connections.size()) {
    std::fprintf(stderr, "socklab: there is no connection %zu: the file holds %zu\n", options.connection,
                 connections.size());
    return 2;
  }
  std::size_t fold = options.every_segment ? 0 : kFoldLongerThan;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (options.connection != 0 && options.connection != i + 1) continue;
    write_text_ladder(std::cout, connections[i], i + 1, connections.size(), fold);
  }
  return 0;
}

int trace_diff(const std::string&, const std::string&) { return 2; }

}  // namespace socklab::harness
