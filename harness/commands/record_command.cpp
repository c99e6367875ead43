#include "harness/commands/record_command.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/engine/labs.hpp"
#include "harness/engine/scenario.hpp"
#include "harness/trace/ladder_rows.hpp"
#include "harness/trace/ladder_svg.hpp"
#include "harness/trace/normalized_trace.hpp"
#include "harness/trace/pcap_file.hpp"
#include "harness/trace/trace_diff.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

// Writes through a temporary name and renames, so an interrupted record never leaves half a
// golden behind.
void write_golden(const ScenarioResult& result, NormalizedTrace trace, const RunReport& report,
                  const fs::path& folder, const ScenarioSpec* spec) {
  fs::create_directories(folder);
  trace.comments = {
      result.lab + "/" + result.scenario + ": " + result.purpose,
      "recorded by `socklab record " + result.lab + "` from " +
          result.server_program.filename().string() + " on kernel " + report.kernel,
  };
  if (spec) {
    for (const VaryingFact& varying : spec->varying_facts) {
      trace.comments.push_back("'" + varying.key + "' varies from run to run: " + varying.why);
    }
  }
  fs::path text_file = folder / (result.scenario + ".trace");
  fs::path capture_file = folder / (result.scenario + ".pcap.gz");
  {
    std::ofstream out(text_file.string() + ".new");
    out << to_text(trace);
    out.close();
    if (!out)
      throw std::runtime_error("cannot write " + text_file.string() +
                               ".new: " + std::strerror(errno));
  }
  try {
    write_headers_only_copy(result.pcap, capture_file.string() + ".new");
  } catch (...) {
    fs::remove(text_file.string() + ".new");
    throw;
  }
  fs::rename(text_file.string() + ".new", text_file);
  fs::rename(capture_file.string() + ".new", capture_file);
}

// The golden's ladder diagram for the handouts and slides, made again whenever the capture is,
// so the picture always shows the golden. A capture of hundreds of connections or of a long
// flood draws megabytes nobody can read as a picture: then only its first connections are
// drawn (each titled "connection N of TOTAL"), and if even one is too large, none; `socklab
// trace show` still shows any of them.
constexpr std::size_t kLargestLadder = 256 << 10;
constexpr std::size_t kConnectionsOfALargeLadder = 3;

std::string ladder_svg(const std::vector<TcpConnection>& connections, std::size_t shown) {
  std::vector<TcpConnection> drawn(connections.begin(),
                                   connections.begin() + static_cast<std::ptrdiff_t>(shown));
  std::vector<std::size_t> numbers;
  for (std::size_t i = 0; i < shown; ++i) numbers.push_back(i + 1);
  std::ostringstream picture;
  write_svg_ladder(picture, drawn, numbers, connections.size(), kDefaultFoldLongerThan);
  return picture.str();
}

void write_ladder(const fs::path& capture_file, const fs::path& svg_file) {
  std::vector<TcpConnection> connections = split_connections(read_pcap_file(capture_file).segments);
  std::string picture = ladder_svg(connections, connections.size());
  if (picture.size() > kLargestLadder && connections.size() > kConnectionsOfALargeLadder) {
    picture = ladder_svg(connections, kConnectionsOfALargeLadder);
  }
  std::error_code ignored;
  if (picture.size() > kLargestLadder) {
    fs::remove(svg_file, ignored);
    std::printf("  %-32s (no ladder drawn: %zu KiB of SVG; see `socklab trace show`)\n", "",
                picture.size() >> 10);
    return;
  }
  std::ofstream svg(svg_file.string() + ".new");
  svg << picture;
  svg.close();
  if (!svg)
    throw std::runtime_error("cannot write " + svg_file.string() + ".new: " + std::strerror(errno));
  fs::rename(svg_file.string() + ".new", svg_file);
}

const ScenarioSpec* spec_of(const ScenarioResult& result) {
  const Lab* lab = find_lab(result.lab);
  return lab ? find_scenario(lab->scenario_group, result.scenario) : nullptr;
}

// What the golden says: the recorded facts, with those the scenario declares timing-dependent
// replaced by their patterns (where the recorded value is one the pattern matches: a healthy
// client's FIN stays exact beside vanishing clients' "* RST"), and the blocks that became
// alike folded together.
NormalizedTrace golden_form(NormalizedTrace recorded, const ScenarioSpec* spec) {
  if (!spec || spec->varying_facts.empty()) return recorded;
  for (NormalizedConnection& block : recorded.connections) {
    for (TraceFact& fact : block.facts) {
      for (const VaryingFact& varying : spec->varying_facts) {
        TraceFact pattern{varying.key, {varying.pattern}};
        if (fact.key == varying.key && pattern.accepts(fact)) fact.accepted = pattern.accepted;
      }
    }
  }
  fold_identical_blocks(recorded);
  return recorded;
}

}  // namespace

RecordTally record_goldens(const RunReport& report, const fs::path& traces_dir, bool check_only) {
  RecordTally tally;
  for (const ScenarioResult& result : report.results) {
    std::string name = result.lab + "/" + result.scenario;
    if (result.verdict != Verdict::passed || result.pcap.empty() || result.packets_dropped > 0) {
      ++tally.refused;
      std::printf("  %-32s not recorded: %s\n", name.c_str(),
                  result.verdict != Verdict::passed ? "the reference did not pass"
                  : result.pcap.empty()             ? "the run has no capture"
                                        : "the capture is incomplete (the kernel dropped packets)");
      continue;
    }
    NormalizedTrace recorded = normalize(split_connections(read_pcap_file(result.pcap).segments));
    fs::path folder = traces_dir / result.lab;
    fs::path golden_file = folder / (result.scenario + ".trace");
    std::string why = "no golden yet";
    if (fs::exists(golden_file)) {
      NormalizedTrace golden = load_normalized_trace(golden_file.string());
      auto divergence = compare_traces(golden, recorded);
      if (!divergence && fs::exists(folder / (result.scenario + ".pcap.gz"))) {
        ++tally.unchanged;
        std::printf("  %-32s unchanged\n", name.c_str());
        fs::path ladder = folder / (result.scenario + ".svg");
        if (!check_only && !fs::exists(ladder))
          write_ladder(folder / (result.scenario + ".pcap.gz"), ladder);
        continue;
      }
      why = divergence ? "changed: " + divergence->explanation : "its capture was missing";
    }
    ++tally.written;
    if (check_only) {
      std::printf("  %-32s DIFFERS from its golden (%s)\n", name.c_str(), why.c_str());
      continue;
    }
    const ScenarioSpec* spec = spec_of(result);
    write_golden(result, golden_form(recorded, spec), report, folder, spec);
    write_ladder(folder / (result.scenario + ".pcap.gz"), folder / (result.scenario + ".svg"));
    std::printf("  %-32s written (%s)\n", name.c_str(), why.c_str());
  }
  return tally;
}

}  // namespace socklab::harness
