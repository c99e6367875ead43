// `socklab bench peers`: finds every program first, measures (harness/bench/peers_run.cpp),
// then prints the ratio tables and the target lines and writes peers.csv, peers.gp/.svg and
// the `socklab bench peers` section of RESULTS.md.
#include "harness/commands/bench_peers_command.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <exception>
#include <fstream>
#include <optional>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/csv_table.hpp"
#include "harness/bench/gnuplot_plot.hpp"
#include "harness/bench/log_folder.hpp"
#include "harness/bench/open_file_limit.hpp"
#include "harness/bench/peer_programs.hpp"
#include "harness/bench/peers_markdown.hpp"
#include "harness/bench/peers_plot.hpp"
#include "harness/bench/peers_report.hpp"
#include "harness/bench/peers_run.hpp"
#include "harness/bench/results_markdown.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

void write_text(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw bench::BenchError("cannot write " + path.string());
}

// Everything after the measurement: files, the plot, the markdown section. Returns the note
// about the plot ("" when drawn).
std::string write_results(const BenchPeersRequest& request,
                          const bench::PeersMeasurements& measurements,
                          const std::vector<bench::RatioRow>& rows,
                          const std::vector<bench::TargetVerdict>& verdicts,
                          const bench::PeersMarkdownFacts& facts) {
  std::error_code made;
  fs::create_directories(request.out_dir, made);
  if (made) {
    throw bench::BenchError("cannot create " + request.out_dir.string() + ": " + made.message());
  }
  bench::write_csv(request.out_dir / "peers.csv", bench::peers_csv(measurements.samples));
  const fs::path script = request.out_dir / "peers.gp";
  write_text(script, bench::peers_gnuplot_script(rows, "peers.svg"));
  std::string plot_note;
  if (!bench::plot_with_gnuplot(script, plot_note)) plot_note = "no plot: " + plot_note;

  const fs::path results_md = request.results_md.empty()
                                  ? fs::absolute(request.out_dir).parent_path() / "RESULTS.md"
                                  : request.results_md;
  bench::replace_marked_section(results_md, "socklab bench peers",
                                bench::peers_markdown(measurements, rows, verdicts, facts));
  return plot_note;
}

}  // namespace

CLI::App* add_bench_peers_command(CLI::App& bench, BenchPeersRequest& request) {
  CLI::App* command = bench.add_subcommand(
      "peers",
      "ref-epoll-et (RESP) beside redis-server, and memcached, alternating in one run; prints "
      "the ratios of requests/s and of server CPU per request");
  command->add_option("--repetitions", request.repetitions, "measured rounds, after a warm-up")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  command->add_option("--out", request.out_dir, "folder for peers.csv, peers.svg and peers.gp")
      ->capture_default_str();
  command->add_option("--results-md", request.results_md,
                      "the markdown file whose `socklab bench peers` section is replaced "
                      "(default: RESULTS.md in the parent of --out)");
  command->add_flag("--quick", request.quick,
                    "runs of ~0.1 s instead of ~1 s, for tests: figures not for the record");
  return command;
}

int run_bench_peers_command(const BenchPeersRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  // The servers' and tools' logs: removed after a good run, kept and named after a failed one.
  std::optional<bench::LogFolder> logs;
  try {
    const bench::PeerPrograms programs = bench::find_peer_programs();
    // redis-benchmark -c 1000 and the servers it talks to each hold 1000 sockets and more.
    bench::raise_open_file_limit(4096);
    logs.emplace("socklab-bench-peers");
    const fs::path& log_dir = logs->path();
    bench::PeersSettings settings;
    settings.repetitions = request.repetitions;
    settings.quick = request.quick;
    settings.log_dir = log_dir;
    const bench::PeersMeasurements measurements =
        bench::run_peers(programs, settings, [](const std::string& line) {
          std::fprintf(stderr, "socklab bench peers: %s\n", line.c_str());
        });
    const std::vector<bench::RatioRow> rows = bench::peers_ratio_rows(measurements.samples);
    const std::vector<bench::TargetVerdict> verdicts = bench::judge_targets(rows);
    bench::PeersMarkdownFacts facts{
        request.repetitions, request.quick,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(),
        bench::tool_version(programs.redis_server, {"--version"}, log_dir),
        bench::tool_version(programs.memcached, {"-V"}, log_dir)};
    const std::string plot_note = write_results(request, measurements, rows, verdicts, facts);
    std::fputs(bench::peers_text_table(rows).c_str(), stdout);
    std::fputs(bench::target_lines(verdicts).c_str(), stdout);
    if (request.quick)
      std::fputs("(--quick: runs of ~0.1 s; figures not for the record)\n", stdout);
    std::printf("wrote %s/peers.csv, peers.gp%s in %.0f s\n", request.out_dir.c_str(),
                plot_note.empty() ? ", peers.svg" : "", facts.seconds);
    if (!plot_note.empty()) std::fprintf(stderr, "socklab bench peers: %s\n", plot_note.c_str());
    return 0;
  } catch (const std::exception& error) {
    // BenchError says what could not be measured; anything else is a set-up failure
    // (std::system_error from a socket call), reported the same way.
    std::fprintf(stderr, "socklab bench peers: %s\n", error.what());
    if (logs) {
      logs->keep();
      std::fprintf(stderr, "socklab bench peers: the servers' and tools' logs are in %s\n",
                   logs->path().c_str());
    }
    return 2;
  }
}

}  // namespace socklab::harness
