#include "harness/bench/scaling_markdown.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace socklab::bench {
namespace {

std::string spread_text(const Spread& spread, int decimals, double scale = 1) {
  if (!spread.valid) return "-";
  return fmt::format("{:.{}f} ({:.{}f}-{:.{}f})", spread.median / scale, decimals,
                     spread.min / scale, decimals, spread.max / scale, decimals);
}

const ScalingSummary* find(const std::vector<ScalingSummary>& all, const std::string& lab,
                           std::size_t idle) {
  for (const ScalingSummary& s : all)
    if (s.lab == lab && s.idle == idle) return &s;
  return nullptr;
}

std::string median_or_dash(const ScalingSummary* s, Spread ScalingSummary::*figure, int decimals) {
  if (s == nullptr || !(s->*figure).valid || s->served < s->repetitions)
    return s != nullptr && !s->note.empty() ? "not served" : "-";
  return fmt::format("{:.{}f}", (s->*figure).median, decimals);
}

std::string derived_table(const std::vector<ScalingSummary>& summaries) {
  std::vector<std::string> labs;
  std::size_t lowest = summaries.front().idle, highest = summaries.front().idle;
  for (const ScalingSummary& s : summaries) {
    if (std::find(labs.begin(), labs.end(), s.lab) == labs.end()) labs.push_back(s.lab);
    lowest = std::min(lowest, s.idle);
    highest = std::max(highest, s.idle);
  }
  std::string text = fmt::format(
      "\n| model | req/s at {0} idle | req/s at {1} idle | {1} idle as a fraction of {0} | "
      "CPU µs/req at {0} → {1} | syscalls/req at {0} → {1} |\n| --- | ---: | ---: | ---: | ---: "
      "| ---: |\n",
      lowest, highest);
  for (const std::string& lab : labs) {
    const ScalingSummary* low = find(summaries, lab, lowest);
    const ScalingSummary* high = find(summaries, lab, highest);
    std::string fraction = "not served";
    if (low && high && low->served == low->repetitions && high->served == high->repetitions &&
        low->requests_per_second.valid && high->requests_per_second.valid &&
        low->requests_per_second.median > 0)
      fraction =
          fmt::format("{:.2f}", high->requests_per_second.median / low->requests_per_second.median);
    text += fmt::format("| {} | {} | {} | {} | {} → {} | {} → {} |\n", lab,
                        median_or_dash(low, &ScalingSummary::requests_per_second, 0),
                        median_or_dash(high, &ScalingSummary::requests_per_second, 0), fraction,
                        median_or_dash(low, &ScalingSummary::cpu_us_per_request, 1),
                        median_or_dash(high, &ScalingSummary::cpu_us_per_request, 1),
                        median_or_dash(low, &ScalingSummary::syscalls_per_request, 2),
                        median_or_dash(high, &ScalingSummary::syscalls_per_request, 2));
  }
  return text;
}

}  // namespace

std::string scaling_markdown(const std::vector<ScalingSummary>& summaries,
                             const ScalingContext& context) {
  std::string text = fmt::format(
      "## Scaling with idle connections (socklab bench scaling)\n\n"
      "Each reference server, alone on core 0, serves 50 active echo connections (16-byte "
      "requests, one in flight each) from `socklab load` on core 1, while another process holds "
      "the given number of idle connections open to it. Each point: a fresh server, the idle "
      "connections opened, 0.5 s of warm-up, then a measured window of {1:g} s; {0} "
      "repetitions, the models alternating within each. Figures are medians, with the spread "
      "(min-max) in brackets. CPU per request is the server's user + system time over the "
      "window (/proc), divided by the requests served; system calls are counted by {2}.\n\n"
      "- command: `{3}`\n- date: {4}\n- kernel: {5}\n- CPU: {6} ({7} online)\n",
      context.repetitions, context.seconds,
      context.syscall_counter.empty() ? "nothing (neither perf nor strace could attach)"
      : context.syscall_counter == "perf"
          ? "perf's raw_syscalls:sys_enter tracepoint over the same window"
          : "strace -c in a separate window (strace slows the server; its window's "
            "throughput is not reported)",
      context.command, context.machine.date, context.machine.kernel, context.machine.cpu_model,
      context.machine.cpus);
  if (summaries.empty()) return text + "\nNo points were measured.\n";
  text += derived_table(summaries);
  text +=
      "\n| model | idle | req/s | p99 µs | CPU µs/req | syscalls/req | RSS MiB | threads | note "
      "|\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n";
  for (const ScalingSummary& s : summaries) {
    std::string note = s.note;
    if (s.served == 0 && note.empty()) note = "not served";
    text +=
        fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} |\n", s.lab, s.idle,
                    spread_text(s.requests_per_second, 0), spread_text(s.p99_us, 0),
                    spread_text(s.cpu_us_per_request, 1), spread_text(s.syscalls_per_request, 2),
                    spread_text(s.rss_bytes, 1, 1024.0 * 1024.0), spread_text(s.threads, 0), note);
  }
  text += fmt::format(
      "\nPlots: `{0}/scaling-*.svg` (re-plot with `gnuplot scaling.gp` in that folder); every "
      "repetition: `{0}/scaling.csv`.\n",
      context.results_folder);
  return text;
}

}  // namespace socklab::bench
