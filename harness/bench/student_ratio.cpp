#include "harness/bench/student_ratio.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/log_folder.hpp"
#include "harness/bench/measured_point.hpp"
#include "harness/bench/open_file_limit.hpp"

namespace socklab::bench {
namespace {

struct LoadShape {
  int depth;
  std::size_t idle;
};
// Latency-bound (one request in flight) and throughput-bound (16 in flight), each without and
// with a crowd of idle connections: the four loads a leaderboard ranks on.
constexpr LoadShape kShapes[] = {{1, 0}, {16, 0}, {1, 1000}, {16, 1000}};
constexpr std::size_t kDescriptorsNeeded = 1000 + 50 + 256;

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

PointPlan plan_for(const StudentRatioOptions& options, const LoadShape& shape, bool student,
                   const std::filesystem::path& log_dir) {
  PointPlan plan;
  plan.server.name = student ? "student" : "ref-" + options.lab;
  plan.server.program = student ? options.server : options.bin_dir / ("ref-" + options.lab);
  if (student) plan.server.arguments = options.server_arguments;
  plan.server.arguments.insert(plan.server.arguments.end(), {"--port", "0"});
  plan.server.untrusted = student;
  plan.server.open_files = static_cast<int>(kDescriptorsNeeded);
  plan.server.log_dir = log_dir;
  plan.socklab = options.bin_dir / "socklab";
  plan.depth = shape.depth;
  plan.idle = shape.idle;
  plan.seconds = options.seconds;
  plan.warmup_seconds = options.warmup_seconds;
  plan.count_syscalls = false;  // the leaderboard ranks on throughput and CPU
  return plan;
}

// A student's point must have served every request cleanly; anything else is their bug, said
// in full, not a slow result.
void require_clean(const PointFigures& figures, const StudentRatioOptions& options,
                   const LoadShape& shape) {
  const std::string load = fmt::format("-c 50 -P {} --idle {}", shape.depth, shape.idle);
  if (figures.server_exited)
    throw BenchError(
        fmt::format("{}: expected the server to keep running under `socklab load "
                    "{}`; it exited. Its stderr ends with:\n{}",
                    options.server.string(), load, figures.server_stderr));
  if (!figures.idle_refused.empty())
    throw BenchError(fmt::format(
        "{}: expected the server to hold {} idle connections; {}. Its "
        "stderr ends with:\n{}",
        options.server.string(), shape.idle, figures.idle_refused, figures.server_stderr));
  if (figures.load.errors > 0 || figures.load.requests == 0)
    throw BenchError(
        fmt::format("{}: expected every echo request of `socklab load {}` to be "
                    "answered; {} requests were, {} connections failed:\n{}",
                    options.server.string(), load, figures.load.requests, figures.load.errors,
                    figures.load.error_lines));
}

struct ShapeResult {
  std::vector<double> reference_rps, student_rps, reference_cpu, student_cpu;
};

}  // namespace

int run_student_ratio(const StudentRatioOptions& options) {
  raise_open_file_limit(kDescriptorsNeeded);
  LogFolder logs("socklab-bench-student");
  std::vector<ShapeResult> results(std::size(kShapes));
  for (int repetition = 0; repetition < options.repetitions; ++repetition) {
    for (std::size_t i = 0; i < std::size(kShapes); ++i) {
      // Alternate who goes first, so that neither is always measured on a colder machine.
      for (int turn = 0; turn < 2; ++turn) {
        const bool student = (turn + repetition) % 2 == 0;
        PointFigures figures = measure_point(plan_for(options, kShapes[i], student, logs.path()));
        if (student) {
          require_clean(figures, options, kShapes[i]);
        } else if (figures.load.errors > 0 || figures.server_exited ||
                   !figures.idle_refused.empty()) {
          throw BenchError("the reference ref-" + options.lab + " failed requests; the " +
                           "comparison would mean nothing:\n" + figures.load.error_lines);
        }
        (student ? results[i].student_rps : results[i].reference_rps)
            .push_back(figures.load.requests_per_second);
        (student ? results[i].student_cpu : results[i].reference_cpu)
            .push_back(figures.cpu_us_per_request);
      }
    }
  }

  std::vector<double> ratios;
  if (options.csv)
    std::printf("figure,reference,student,ratio\n");
  else
    std::printf("%-40s %12s %12s %8s\n", "figure (median of repetitions)", "reference", "student",
                "ratio");
  auto line = [&](const std::string& figure, double reference, double student) {
    const double ratio = reference > 0 ? student / reference : 0;
    if (options.csv)
      std::printf("%s,%.2f,%.2f,%.3f\n", figure.c_str(), reference, student, ratio);
    else
      std::printf("%-40s %12.1f %12.1f %8.2f\n", figure.c_str(), reference, student, ratio);
    return ratio;
  };
  for (std::size_t i = 0; i < std::size(kShapes); ++i) {
    const std::string shape =
        fmt::format("-c 50 -P {} --idle {}", kShapes[i].depth, kShapes[i].idle);
    ratios.push_back(
        line("req/s " + shape, median(results[i].reference_rps), median(results[i].student_rps)));
    line("CPU us/req " + shape, median(results[i].reference_cpu), median(results[i].student_cpu));
  }
  // Requests/s, higher is better: above 1 the student's server outran the reference.
  std::printf("ratio: %.2f\n", median(ratios));
  return 0;
}

}  // namespace socklab::bench
