// The cross-check with Wireshark, whose tcp.analysis vocabulary socklab speaks: on every
// synthetic capture of the analysis tests and on every golden capture under traces/, each
// frame must carry the flags tshark gives it, no more and no fewer. A difference is a bug in
// socklab's analysis unless one of the Wireshark quirks in kKnownDifferences explains it.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/trace/analysis_flags.hpp"
#include "harness/trace/pcap_file.hpp"
#include "harness/trace/tcp_connection.hpp"
#include "tests/trace/analysis_scenarios.hpp"
#include "tests/trace/analyzed_trace.hpp"
#include "tests/trace/temporary_directory.hpp"
#include "tests/trace/tshark_flags.hpp"

namespace socklab::harness {
namespace {

using trace_test::field_names;
namespace scenarios = trace_test::scenarios;

bool seq_greater(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) > 0; }

// Capture timestamps can step back by microseconds (frames stamped on different CPUs).
// Wireshark subtracts times as unsigned integers, so a segment stamped before the newest one is
// never "within a round trip" of it: a retransmission. socklab keeps the sign: out of order.
bool stamped_before_an_earlier_segment(const TcpConnection& connection, std::size_t index) {
  const ConnectionSegment& entry = connection.segments[index];
  return std::any_of(connection.segments.begin(), connection.segments.begin() + index,
                     [&](const ConnectionSegment& earlier) {
                       return earlier.from == entry.from &&
                              earlier.segment.time > entry.segment.time;
                     });
}

// Wireshark lets a RST's sequence number become the next expected one, so data captured after
// a RST that was sent before it looks resent. socklab does not: a RST occupies no sequence
// space (tcp_analysis.cpp), and a forged one must not make the real segments look resent.
bool below_an_earlier_rst_from_the_same_side(const TcpConnection& connection, std::size_t index) {
  const ConnectionSegment& entry = connection.segments[index];
  return std::any_of(connection.segments.begin(), connection.segments.begin() + index,
                     [&](const ConnectionSegment& earlier) {
                       return earlier.from == entry.from && earlier.segment.rst() &&
                              seq_greater(earlier.segment.seq, entry.segment.seq);
                     });
}

// Where socklab knowingly differs from tshark 4.0: on the frames a rule covers, only the
// flags it names may differ. Everything else is a bug to fix, not to list here.
struct KnownDifference {
  AnalysisFlags may_differ;
  bool (*covers)(const TcpConnection& connection, std::size_t index);
};

constexpr KnownDifference kKnownDifferences[] = {
    {kOutOfOrder | kRetransmission, stamped_before_an_earlier_segment},
    {kOutOfOrder | kRetransmission, below_an_earlier_rst_from_the_same_side},
};

// Where each frame's segment is in the model: its connection, and its index there.
using SegmentPlaces = std::map<std::uint32_t, std::pair<const TcpConnection*, std::size_t>>;

SegmentPlaces places_of(const std::vector<TcpConnection>& connections) {
  SegmentPlaces places;
  for (const TcpConnection& connection : connections) {
    for (std::size_t i = 0; i < connection.segments.size(); ++i) {
      places[connection.segments[i].segment.frame] = {&connection, i};
    }
  }
  return places;
}

bool explained(const SegmentPlaces& places, std::uint32_t frame, AnalysisFlags socklab,
               AnalysisFlags tshark) {
  auto place = places.find(frame);
  if (place == places.end()) return false;
  const TcpConnection& connection = *place->second.first;
  const std::size_t index = place->second.second;
  return std::any_of(std::begin(kKnownDifferences), std::end(kKnownDifferences),
                     [&](const KnownDifference& known) {
                       return ((socklab ^ tshark) & ~known.may_differ) == 0 &&
                              known.covers(connection, index);
                     });
}

// One line per frame where socklab and tshark differ, and no known quirk explains it:
// "frame 11: socklab {fast_retransmission}, tshark {retransmission,fast_retransmission}".
std::string unexplained_differences(const std::filesystem::path& tshark,
                                    const std::filesystem::path& capture) {
  const std::vector<TcpConnection> connections =
      split_connections(read_pcap_file(capture).segments);
  const trace_test::FrameFlags ours = trace_test::flags_by_frame(connections);
  const trace_test::FrameFlags theirs = trace_test::tshark_flags(tshark, capture);
  std::map<std::uint32_t, std::pair<AnalysisFlags, AnalysisFlags>> both;
  for (const auto& [frame, flags] : ours.by_frame) both[frame].first = flags;
  for (const auto& [frame, flags] : theirs.by_frame) both[frame].second = flags;
  const SegmentPlaces places = places_of(connections);
  std::string report;
  for (const auto& [frame, flags] : both) {
    if (flags.first == flags.second || explained(places, frame, flags.first, flags.second)) {
      continue;
    }
    report += "  frame " + std::to_string(frame) + ": socklab {" + field_names(flags.first) +
              "}, tshark {" + field_names(flags.second) + "}\n";
  }
  return report;
}

// Skips, saying why, where tshark is missing: a comparison that cannot run must not pass.
class TsharkAgreement : public testing::Test {
 protected:
  void SetUp() override {
    tshark_ = trace_test::find_tshark();
    if (!tshark_) {
      GTEST_SKIP() << "tshark is not on PATH (scripts/install-deps installs it): no comparison";
    }
  }

  void expect_agreement(const std::filesystem::path& capture, const std::string& name) const {
    std::string report = unexplained_differences(*tshark_, capture);
    EXPECT_TRUE(report.empty()) << name << ": socklab and tshark flag these frames differently:\n"
                                << report;
  }

 private:
  std::optional<std::filesystem::path> tshark_;
};

class TsharkAgreementOnScenario : public TsharkAgreement,
                                  public testing::WithParamInterface<std::string> {};

std::vector<std::string> scenario_names() {
  std::vector<std::string> names;
  for (const scenarios::Scenario& scenario : scenarios::all()) names.push_back(scenario.name);
  return names;
}

TEST_P(TsharkAgreementOnScenario, FlagsEveryFrameAsTsharkDoes) {
  for (const scenarios::Scenario& scenario : scenarios::all()) {
    if (scenario.name != GetParam()) continue;
    trace_test::TemporaryDirectory directory;
    const std::filesystem::path capture = directory.file(scenario.name + ".pcap");
    scenario.trace.write(capture);
    expect_agreement(capture, scenario.name);
    return;
  }
  FAIL() << "no scenario named " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Synthetic, TsharkAgreementOnScenario, testing::ValuesIn(scenario_names()),
                         [](const testing::TestParamInfo<std::string>& scenario) {
                           return scenario.param;
                         });

// Golden captures are real runs, stored as headers-only gzip copies. They are listed when the
// test runs, so that a capture added to traces/ is compared without a rebuild.
std::vector<std::filesystem::path> golden_captures(const std::filesystem::path& root) {
  std::vector<std::filesystem::path> captures;
  if (!std::filesystem::is_directory(root)) return captures;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().string().ends_with(".pcap.gz"))
      captures.push_back(entry.path());
  }
  std::sort(captures.begin(), captures.end());
  return captures;
}

TEST_F(TsharkAgreement, FlagsEveryFrameOfEveryGoldenCaptureAsTsharkDoes) {
  const std::filesystem::path root = std::filesystem::path(SOCKLAB_SOURCE_DIR) / "traces";
  const std::vector<std::filesystem::path> captures = golden_captures(root);
  if (captures.empty()) GTEST_SKIP() << "no golden captures (*.pcap.gz) under " << root << " yet";
  for (const std::filesystem::path& capture : captures) {
    expect_agreement(capture, std::filesystem::relative(capture, root).string());
  }
}

}  // namespace
}  // namespace socklab::harness
