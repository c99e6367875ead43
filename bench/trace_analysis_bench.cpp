// bench-trace: how many packets per second socklab reads, analyses and folds into ladders, on
// a capture of 1,000,000 frames the benchmark writes itself (bench/synthetic_capture.hpp).
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "bench/synthetic_capture.hpp"
#include "harness/trace/ladder_rows.hpp"
#include "harness/trace/pcap_file.hpp"
#include "harness/trace/tcp_connection.hpp"

namespace socklab::bench {
namespace {

using harness::TcpConnection;

// An iteration reads the whole capture, one or two seconds: a repetition then runs a few.
constexpr double kMinSeconds = 3;

// glibc raises its mmap and trim thresholds after large frees; later iterations would then reuse
// memory that `socklab trace show`, run once, must fault in (a third of its time on the machine of
// RESULTS.md). Held at their defaults, they make every iteration pay as the user does.
void allocate_as_a_fresh_process() {
  if (mallopt(M_MMAP_THRESHOLD, 128 * 1024) != 1 || mallopt(M_TRIM_THRESHOLD, 128 * 1024) != 1) {
    throw std::runtime_error("mallopt refused glibc's default thresholds");
  }
}

// The capture and its gzip-compressed copy, written once and removed when the program ends.
struct SyntheticCapture {
  SyntheticCapture() {
    allocate_as_a_fresh_process();  // before anything is timed
    written = write_synthetic_capture(plain);
    if (harness::write_headers_only_copy(plain, gzip) != written.frames) {
      throw std::runtime_error("the compressed copy of " + plain.string() + " lost frames");
    }
    plain_bytes = std::filesystem::file_size(plain);
  }
  ~SyntheticCapture() {
    std::error_code ignored;  // a temporary file left behind is no reason to fail at exit
    std::filesystem::remove(plain, ignored);
    std::filesystem::remove(gzip, ignored);
  }
  SyntheticCapture(const SyntheticCapture&) = delete;
  SyntheticCapture& operator=(const SyntheticCapture&) = delete;

  const std::string stem = "socklab-bench-trace-" + std::to_string(::getpid());
  const std::filesystem::path plain = std::filesystem::temp_directory_path() / (stem + ".pcap");
  const std::filesystem::path gzip = std::filesystem::temp_directory_path() / (stem + ".pcap.gz");
  SyntheticCaptureContents written;
  std::uintmax_t plain_bytes = 0;
};

const SyntheticCapture& capture() {
  static const SyntheticCapture instance;
  return instance;
}

// Rates over the whole run. Bytes are those of the plain capture for every benchmark, so that
// MB/s compares across them and with the size of a capture on disk.
void report_rates(benchmark::State& state) {
  const std::int64_t packets =
      static_cast<std::int64_t>(capture().written.frames) * state.iterations();
  state.counters["packets"] =
      benchmark::Counter(static_cast<double>(packets), benchmark::Counter::kIsRate);
  state.SetItemsProcessed(packets);
  state.SetBytesProcessed(static_cast<std::int64_t>(capture().plain_bytes) * state.iterations());
}

// What the analysis must flag in the capture as written, and nothing else: otherwise the
// benchmark measured something other than it says.
bool analysis_as_written(const std::vector<TcpConnection>& connections) {
  std::map<harness::AnalysisFlags, std::uint64_t> flagged;
  for (const TcpConnection& connection : connections) {
    for (const harness::ConnectionSegment& entry : connection.segments) {
      if (entry.analysis != 0) ++flagged[entry.analysis];
    }
  }
  const SyntheticCaptureContents& written = capture().written;
  const std::map<harness::AnalysisFlags, std::uint64_t> expected = {
      {harness::kZeroWindow, written.zero_windows},
      {harness::kWindowUpdate, written.zero_windows},
      {harness::kRetransmission, written.retransmissions}};
  return connections.size() == written.connections && flagged == expected;
}

void BM_ReadCapture(benchmark::State& state) {
  const std::filesystem::path& path = capture().plain;  // written here, before the clock starts
  std::uint64_t frames_read = 0;
  for (auto _ : state) {
    harness::PcapContents contents = harness::read_pcap_file(path);
    frames_read = contents.frames;
    benchmark::DoNotOptimize(contents.segments.data());
  }
  if (frames_read != capture().written.frames) {
    state.SkipWithError("read a different number of frames than were written");
  }
  report_rates(state);
}
BENCHMARK(BM_ReadCapture)->Unit(benchmark::kMillisecond)->MinTime(kMinSeconds);

// What `socklab trace show` does before it prints: read, split into connections, analyse.
void BM_ReadAndAnalyse(benchmark::State& state, bool compressed) {
  const std::filesystem::path& path = compressed ? capture().gzip : capture().plain;
  std::vector<TcpConnection> connections;
  for (auto _ : state) {
    connections = harness::split_connections(harness::read_pcap_file(path).segments);
    benchmark::DoNotOptimize(connections.data());
  }
  if (!analysis_as_written(connections)) state.SkipWithError("the analysis found something else");
  report_rates(state);
}
BENCHMARK_CAPTURE(BM_ReadAndAnalyse, plain, false)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(kMinSeconds);
BENCHMARK_CAPTURE(BM_ReadAndAnalyse, gzip, true)
    ->Unit(benchmark::kMillisecond)
    ->MinTime(kMinSeconds);

// The ladder of every connection folded as `socklab trace show` folds it, before the text.
void BM_FoldLadders(benchmark::State& state) {
  static const std::vector<TcpConnection> connections =
      harness::split_connections(harness::read_pcap_file(capture().plain).segments);
  for (auto _ : state) {
    std::size_t rows = 0;
    for (const TcpConnection& connection : connections) {
      rows += harness::ladder_rows(connection, harness::kDefaultFoldLongerThan).size();
    }
    benchmark::DoNotOptimize(rows);
  }
  report_rates(state);
}
BENCHMARK(BM_FoldLadders)->Unit(benchmark::kMillisecond)->MinTime(kMinSeconds);

}  // namespace
}  // namespace socklab::bench
