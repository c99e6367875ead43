#include "tests/trace/analyzed_trace.hpp"

#include <stdexcept>

#include "harness/trace/analysis_flags.hpp"
#include "tests/trace/temporary_directory.hpp"

namespace socklab::trace_test {

std::string field_names(harness::AnalysisFlags flags) {
  const std::string prefix = "tcp.analysis.";
  std::string names;
  for (harness::AnalysisFlag flag : harness::kAllAnalysisFlags) {
    if (!(flags & flag)) continue;
    if (!names.empty()) names += ",";
    names += std::string(harness::analysis_field(flag)).substr(prefix.size());
  }
  return names;
}

void PrintTo(const FrameFlags& flags, std::ostream* out) {
  *out << "{";
  const char* separator = " ";
  for (const auto& [frame, frame_flags] : flags.by_frame) {
    *out << separator << frame << ": " << field_names(frame_flags);
    separator = "; ";
  }
  *out << (flags.by_frame.empty() ? "no flags }" : " }");
}

FrameFlags flags_by_frame(const std::vector<harness::TcpConnection>& connections) {
  FrameFlags flags;
  for (const harness::TcpConnection& connection : connections) {
    for (const harness::ConnectionSegment& entry : connection.segments) {
      if (entry.analysis != 0) flags.by_frame[entry.segment.frame] |= entry.analysis;
    }
  }
  return flags;
}

const harness::ConnectionSegment& AnalyzedTrace::frame(std::uint32_t number) const {
  for (const harness::TcpConnection& connection : connections) {
    for (const harness::ConnectionSegment& entry : connection.segments) {
      if (entry.segment.frame == number) return entry;
    }
  }
  throw std::out_of_range("no TCP segment in frame " + std::to_string(number));
}

AnalyzedTrace analyze(const SyntheticTrace& trace, LinkType link) {
  TemporaryDirectory directory;
  const std::filesystem::path file = directory.file("trace.pcap");
  trace.write(file, link);
  AnalyzedTrace analyzed;
  analyzed.contents = harness::read_pcap_file(file);
  analyzed.connections = harness::split_connections(analyzed.contents.segments);
  analyzed.flags = flags_by_frame(analyzed.connections);
  return analyzed;
}

}  // namespace socklab::trace_test
