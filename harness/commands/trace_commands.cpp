#include "harness/commands/trace_commands.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>

#include "harness/trace/ladder_rows.hpp"
#include "harness/trace/ladder_svg.hpp"
#include "harness/trace/ladder_text.hpp"
#include "harness/trace/normalized_trace.hpp"
#include "harness/trace/pcap_file.hpp"
#include "harness/trace/trace_diff.hpp"

namespace socklab::harness {
namespace {}  // namespace

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
  if (!contents.truncated.empty() && (options.analysis_fields || options.normalized)) {
    std::fprintf(stderr,
                 "socklab: warning: %s ends in the middle of a frame (%s); the frames before "
                 "it are used\n",
                 options.file.c_str(), contents.truncated.c_str());
  }
  if (options.analysis_fields) return print_analysis_fields(connections);
  if (options.normalized) {
    std::cout << to_text(normalize(connections));
    return 0;
  }
  std::cout << options.file << ": " << contents.frames << " frames (" << contents.link_type << "), "
            << connections.size() << " TCP connection" << (connections.size() == 1 ? "" : "s");
  if (contents.other_frames > 0)
    std::cout << "; " << contents.other_frames << " frames not IPv4 TCP, not shown";
  std::cout << "\n";
  if (!contents.truncated.empty()) {
    std::cout << "warning: the file ends in the middle of a frame (" << contents.truncated
              << "): it was cut while being written; the frames before are shown\n";
  }
  std::cout << "\n";
  if (options.connection > connections.size()) {
    std::fprintf(stderr, "socklab: there is no connection %zu: the file holds %zu\n",
                 options.connection, connections.size());
    return 2;
  }
  std::size_t fold = options.every_segment ? 0 : kDefaultFoldLongerThan;
  std::vector<TcpConnection> shown;
  std::vector<std::size_t> numbers;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    if (options.connection != 0 && options.connection != i + 1) continue;
    write_text_ladder(std::cout, connections[i], i + 1, connections.size(), fold,
                      options.max_rows);
    if (options.svg_file.empty())
      continue;  // a large capture's connections are not copied for nothing
    shown.push_back(connections[i]);
    numbers.push_back(i + 1);
  }
  if (!options.svg_file.empty()) {
    std::ofstream svg(options.svg_file);
    write_svg_ladder(svg, shown, numbers, connections.size(), fold, options.max_rows);
    svg.close();  // the last bytes are written here: check after it
    if (!svg) {
      std::fprintf(stderr, "socklab: cannot write %s: %s\n", options.svg_file.c_str(),
                   std::strerror(errno));
      return 2;
    }
    std::cout << "ladder diagram written to " << options.svg_file << "\n";
  }
  return 0;
}

int trace_diff(const std::string& expected_path, const std::string& actual_path) {
  NormalizedTrace expected = load_normalized_trace(expected_path);
  NormalizedTrace actual = load_normalized_trace(actual_path);
  std::optional<TraceDivergence> divergence = compare_traces(expected, actual);
  if (!divergence) {
    std::printf("same TCP meaning: %zu kind(s) of connection, each as in %s\n",
                expected.connections.size(), expected_path.c_str());
    return 0;
  }
  std::printf("%s and %s differ.\n%s\n\n", expected_path.c_str(), actual_path.c_str(),
              divergence->explanation.c_str());
  for (const std::string& line : divergence->side_by_side) std::printf("%s\n", line.c_str());
  return 1;
}

}  // namespace socklab::harness
