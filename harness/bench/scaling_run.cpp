#include "harness/bench/scaling_run.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/gnuplot_plot.hpp"
#include "harness/bench/measured_point.hpp"
#include "harness/bench/open_file_limit.hpp"
#include "harness/bench/results_markdown.hpp"
#include "harness/bench/scaling_markdown.hpp"
#include "harness/bench/scaling_plots.hpp"
#include "harness/bench/scaling_rows.hpp"

namespace socklab::bench {
namespace {

namespace fs = std::filesystem;

constexpr int kConnections = 50;
// Descriptors beyond the idle ones: the active connections, the listener, std streams, logs.
constexpr std::size_t kSpareDescriptors = 256;
constexpr const char* kFdSetSizeNote =
    "refused: descriptors past FD_SETSIZE (1024) cannot be watched by select";

std::string first_line(const std::string& text) {
  std::size_t start = text.find_first_not_of(" \n");
  if (start == std::string::npos) return "";
  return text.substr(start, text.find('\n', start) - start);
}

std::string note_for(const PointFigures& figures) {
  std::string note;
  const bool failed =
      figures.load.errors > 0 || figures.load.requests == 0 || !figures.idle_refused.empty();
  if (figures.server_exited) {
    note = "the server exited during the run: " + first_line(figures.server_stderr);
  } else if (failed && figures.server_stderr.find("FD_SETSIZE") != std::string::npos) {
    note = kFdSetSizeNote;
  } else if (!figures.idle_refused.empty()) {
    note = figures.idle_refused;
  } else if (failed) {
    // socklab load's stderr: "socklab load: N errors during the run:" then one line per kind.
    const std::string& said = figures.load.error_lines;
    const std::size_t heading = said.find("errors during the run:");
    note = fmt::format("{} connections failed: {}", figures.load.errors,
                       first_line(heading == std::string::npos ? said : said.substr(heading + 22)));
  }
  if (!figures.syscall_note.empty())
    note += (note.empty() ? "" : "; ") + std::string("syscalls not counted: ") +
            first_line(figures.syscall_note);
  return note;
}

ScalingRow row_for(const std::string& lab, std::size_t idle, int repetition,
                   const PointFigures& figures) {
  ScalingRow row;
  row.lab = lab;
  row.idle = idle;
  row.repetition = repetition;
  row.requests_per_second = figures.load.requests_per_second;
  row.p99_us = figures.load.p99_us;
  row.cpu_us_per_request = figures.cpu_us_per_request;
  row.syscalls_per_request = figures.syscalls_per_request;
  row.syscall_counter = figures.syscall_counter;
  row.rss_bytes = figures.rss_bytes;
  row.threads = figures.threads;
  row.requests = figures.load.requests;
  row.errors = figures.load.errors;
  row.idle_held = figures.idle_refused.empty();
  row.note = note_for(figures);
  return row;
}

PointPlan plan_for(const ScalingOptions& options, const std::string& lab, std::size_t idle) {
  PointPlan plan;
  plan.server.name = "ref-" + lab;
  plan.server.program = options.bin_dir / plan.server.name;
  // The references refuse connections past --max-conns (10,000 by default): the idle ones,
  // the holder's own and the active ones must all fit.
  plan.server.arguments = {"--port", "0", "--max-conns",
                           std::to_string(idle + kConnections + kSpareDescriptors)};
  plan.server.core = 0;
  plan.server.open_files = static_cast<int>(idle + kSpareDescriptors);
  plan.server.log_dir = options.out_dir / "logs";
  plan.socklab = options.bin_dir / "socklab";
  plan.load_core = 1;
  plan.connections = kConnections;
  plan.idle = idle;
  plan.seconds = options.seconds;
  plan.warmup_seconds = options.warmup_seconds;
  return plan;
}

// Each repetition starts the labs at a different place in their order, so that no model is
// always the one measured first (after a cold start) or last (after the machine warmed up).
std::vector<std::string> rotated(std::vector<std::string> labs, int repetition) {
  if (!labs.empty())
    std::rotate(labs.begin(), labs.begin() + (repetition % static_cast<int>(labs.size())),
                labs.end());
  return labs;
}

void write_outputs(const ScalingOptions& options, const std::vector<ScalingRow>& rows,
                   bool final_pass) {
  write_csv(options.out_dir / "scaling.csv", scaling_table(rows));
  std::vector<ScalingSummary> summaries = summarize(rows);
  write_csv(options.out_dir / "scaling-median.csv", summary_table(summaries));
  if (!final_pass) return;

  const fs::path script = options.out_dir / "scaling.gp";
  {
    std::ofstream out(script, std::ios::trunc);
    out << scaling_gnuplot_script(options.labs, options.idle_counts);
    if (!out) throw BenchError("cannot write " + script.string());
  }
  std::string why_not;
  if (!plot_with_gnuplot(script, why_not)) std::printf("socklab bench: %s\n", why_not.c_str());

  ScalingContext context;
  context.command = options.command;
  context.machine = machine_facts();
  context.repetitions = options.repetitions;
  context.seconds = options.seconds;
  context.results_folder = options.out_dir.string();
  for (const ScalingRow& row : rows)
    if (!row.syscall_counter.empty()) context.syscall_counter = row.syscall_counter;
  replace_marked_section(options.results_md, "socklab bench scaling",
                         scaling_markdown(summaries, context));
}

void print_row(const ScalingRow& row, int total, int done, double elapsed) {
  std::printf(
      "[%3d/%d %4.0fs] %-9s idle %5zu: %8.0f req/s  p99 %7.0f us  cpu %6.1f us/req  "
      "syscalls %5.2f/req  rss %6.1f MiB  threads %5d%s%s\n",
      done, total, elapsed, row.lab.c_str(), row.idle, row.requests_per_second, row.p99_us,
      row.cpu_us_per_request, row.syscalls_per_request,
      static_cast<double>(row.rss_bytes) / (1024.0 * 1024.0), row.threads,
      row.note.empty() ? "" : "  ", row.note.c_str());
  std::fflush(stdout);
}

}  // namespace

int run_scaling(const ScalingOptions& options) {
  const std::size_t most_idle =
      *std::max_element(options.idle_counts.begin(), options.idle_counts.end());
  // The load generator holds the idle connections and opens the active ones: both need
  // descriptors of ours (children inherit our limit), so check before starting anything.
  raise_open_file_limit(most_idle + kConnections + kSpareDescriptors);
  fs::create_directories(options.out_dir / "logs");

  const auto started = std::chrono::steady_clock::now();
  const int total =
      options.repetitions * static_cast<int>(options.labs.size() * options.idle_counts.size());
  std::vector<ScalingRow> rows;
  int status = 0;
  for (int repetition = 1; repetition <= options.repetitions; ++repetition) {
    for (std::size_t idle : options.idle_counts) {
      for (const std::string& lab : rotated(options.labs, repetition - 1)) {
        ScalingRow row;
        try {
          row = row_for(lab, idle, repetition, measure_point(plan_for(options, lab, idle)));
        } catch (const BenchError& error) {
          row.lab = lab;
          row.idle = idle;
          row.repetition = repetition;
          row.note = std::string("not measured: ") + error.what();
          std::fprintf(stderr, "socklab bench: %s at %zu idle: %s\n", lab.c_str(), idle,
                       error.what());
          status = 2;
        }
        rows.push_back(row);
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        print_row(row, total, static_cast<int>(rows.size()), elapsed);
        write_outputs(options, rows, /*final_pass=*/false);  // an interrupted run keeps its rows
      }
    }
  }
  write_outputs(options, rows, /*final_pass=*/true);
  std::printf("socklab bench: wrote %s/scaling.csv, scaling-median.csv and the section of %s\n",
              options.out_dir.c_str(), options.results_md.c_str());
  return status;
}

}  // namespace socklab::bench
