#include "harness/bench/peers_markdown.hpp"

#include <fmt/format.h>

#include <chrono>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/machine_facts.hpp"
#include "harness/bench/peers_report.hpp"
#include "harness/bench/timed_tool_run.hpp"

namespace socklab::bench {

std::string tool_version(const std::filesystem::path& program,
                         const std::vector<std::string>& arguments,
                         const std::filesystem::path& log_dir) {
  try {
    TimedToolRun run = run_tool_with_timeout(
        {program, arguments, log_dir, program.filename().string() + "-version"},
        std::chrono::seconds(10));
    if (!run.ok()) return "unknown (" + program.string() + " " + run.status.describe() + ")";
    std::string line = run.output.substr(0, run.output.find('\n'));
    return line.empty() ? "unknown (it printed nothing)" : line;
  } catch (const BenchError& error) {
    return std::string("unknown (") + error.what() + ")";
  }
}

std::string peers_markdown(const PeersMeasurements& measurements, const std::vector<RatioRow>& rows,
                           const std::vector<TargetVerdict>& verdicts,
                           const PeersMarkdownFacts& facts) {
  const MachineFacts machine = machine_facts();
  std::string text = fmt::format(
      "\n### ref-epoll-et beside redis-server and memcached (`socklab bench peers`)\n\n"
      "Measured {} on {} ({} CPUs), kernel {}: {} repetitions after a warm-up, {:.0f} s in "
      "all. {}; {}.\n\n",
      machine.date, machine.cpu_model, machine.cpus, machine.kernel, facts.repetitions,
      facts.seconds, facts.redis_version, facts.memcached_version);
  if (facts.quick) {
    text +=
        "**A `--quick` run (about 0.1 s per measurement): the figures are not for the "
        "record.**\n\n";
  }
  text += fmt::format(
      "```sh\nsocklab bench peers{}\n```\n\n",
      facts.repetitions == 5 ? "" : fmt::format(" --repetitions {}", facts.repetitions));
  text +=
      "Servers, started once each on core 0 and kept running through all repetitions (only "
      "one is loaded at any moment); each is warmed up first:\n\n";
  for (const auto& [name, command] : measurements.commands) text += "- `" + command + "`\n";
  std::string counts;
  for (const auto& [key, count] : measurements.requests_per_run) {
    counts += fmt::format("{}`{}`: {}", counts.empty() ? "" : ", ", key, count);
  }
  text += fmt::format(
      "\nClients, on core 1, one test per run; within a repetition each configuration runs on "
      "its servers back to back, and the server that goes first rotates from one repetition "
      "to the next:\n\n"
      "- `taskset -c 1 redis-benchmark -h 127.0.0.1 -p PORT -t TEST -n N -c C -P D --csv`, "
      "TEST `ping_inline` or `ping_mbulk`, N chosen in the warm-up for about {} s on the faster "
      "server, the same for both ({})\n"
      "- `taskset -c 1 socklab load --port PORT --proto resp -c 50 -P D --duration {} "
      "--threads 1 --csv` (`--proto memcache` for memcached: `mn`, its no-op, answered `MN`)\n\n",
      facts.quick ? "0.1" : "1", counts, measurements.load_seconds);
  text +=
      "Requests/s as the client reports it. CPU µs/req: the server's user + system CPU time "
      "(all threads, `/proc/PID/stat`) over the run, divided by the requests it served; "
      "/proc counts 10 ms ticks, so a 1 s run reads it to about 1 %. A ratio is taken "
      "within each repetition, then its median and range are given. Cores busy: the server's "
      "and the client's CPU time over the client's whole run (its start and its connections "
      "included, so runs with 1000 connections read low), each pinned to a core of its own; a "
      "side near 1.00 set the rate. Where that is the client, the ratio of requests/s measures "
      "the client's cost per reply as much as the server, and the CPU ratio is the one that "
      "compares the servers. Server sleeps: the server's voluntary context switches (all "
      "threads, `/proc/PID/task/*/status`) per 1000 requests, i.e. how often it blocked in "
      "epoll_wait with nothing to do. On loopback the client pays for each of those wake-ups: "
      "its `send()` runs the server socket's receive path, which wakes the server's epoll_wait "
      "from the client's core (`perf record -g` on redis-benchmark shows it under "
      "`sock_def_readable`). A server that needs less CPU per request sleeps more often, so a "
      "client that sets the rate goes slower against it: the cheaper server can lose the "
      "requests/s ratio. memcached answers every `mn` with a send of its own (in the meta "
      "protocol the no-op marks the end of a batch, so memcached flushes its replies at once; "
      "`strace -c -f` counts one sendmsg per request at -P 16): its -P 16 row measures one "
      "system call per request, not what pipelining gains memcached.\n\n";
  text += peers_markdown_table(rows);
  text += "Targets (issue 10), judged on the redis-benchmark rows' median ratios:\n\n";
  for (const TargetVerdict& verdict : verdicts) {
    text += fmt::format("- {}: ref-epoll-et {} ({})\n", verdict.met ? "met" : "**not met**",
                        verdict.target, verdict.evidence);
  }
  text +=
      "\nEvery single measurement: `bench/results/peers.csv`; plot: "
      "`bench/results/peers.svg` (script `peers.gp`).\n\n";
  return text;
}

}  // namespace socklab::bench
