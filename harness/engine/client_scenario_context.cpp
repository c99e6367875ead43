#include "harness/engine/client_scenario_context.hpp"

#include <algorithm>
#include <set>
#include <sstream>

#include "harness/capture/packet_capture.hpp"
#include "harness/faults/packet_faults.hpp"
#include "harness/engine/process_checks.hpp"
#include "harness/process/fork_watch.hpp"
#include "harness/process/hosts_file.hpp"

namespace socklab::harness {
namespace {

using namespace std::chrono_literals;
using SteadyClock = std::chrono::steady_clock;

const std::set<std::string> kResults = {"connected", "refused", "timeout", "unreachable", "error"};

std::string joined(const std::vector<std::string>& items, std::size_t at_most) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < at_most; ++i) text += (i ? ", " : "") + items[i];
  if (items.size() > at_most) text += ", ... (" + std::to_string(items.size() - at_most) + " more)";
  return text;
}

std::string window_text(const ExpectedLine& expected) {
  if (expected.min_ms <= 0) return "within " + std::to_string(expected.max_ms) + " ms";
  return "between " + std::to_string(expected.min_ms) + " and " + std::to_string(expected.max_ms) +
         " ms";
}

}  // namespace

std::string ClientLine::text() const {
  return target + " " + result + " " + error_name + " " + std::to_string(elapsed_ms);
}

std::optional<ClientLine> parse_client_line(const std::string& text) {
  std::istringstream fields(text);
  ClientLine line;
  std::string elapsed, extra;
  if (!(fields >> line.target >> line.result >> line.error_name >> elapsed) || (fields >> extra)) {
    return std::nullopt;
  }
  if (!kResults.count(line.result)) return std::nullopt;
  if (elapsed.empty() || !std::all_of(elapsed.begin(), elapsed.end(), ::isdigit))
    return std::nullopt;
  line.elapsed_ms = std::stol(elapsed);
  return line;
}

const ClientLine* ClientRun::line_for(const std::string& target) const {
  for (const ClientLine& line : lines) {
    if (line.target == target) return &line;
  }
  return nullptr;
}

ClientScenarioContext::ClientScenarioContext(const ScenarioSpec& spec, const Topology* topology,
                                             const PacketCapture* capture, Launch launch)
    : spec_(spec), topology_(topology), capture_(capture), launch_(std::move(launch)) {
  server_host_ =
      std::make_unique<TargetServers>(topology ? &topology->server().netns : nullptr,
                                      topology ? topology->server().address : "127.0.0.1");
}

ClientScenarioContext::~ClientScenarioContext() = default;

std::string ClientScenarioContext::on_server_host(std::uint16_t port) const {
  return server_host_->address() + ":" + std::to_string(port);
}

std::string ClientScenarioContext::client_host_address(int host) const {
  if (!topology_) {
    throw std::logic_error("scenario " + spec_.name +
                           " uses client hosts but does not set "
                           "needs_topology, so it ran in loopback mode");
  }
  return topology_->client(host).address;
}

void ClientScenarioContext::silence_client_host(int host) {
  client_host_address(host);  // the same check
  silenced_.push_back(silence_host(topology_->client(host).netns));
}

void ClientScenarioContext::add_host_name(const std::string& name,
                                          const std::vector<std::string>& addresses) {
  for (const std::string& address : addresses) host_lines_.push_back(address + " " + name);
}

ClientRun ClientScenarioContext::run_client(const std::vector<std::string>& arguments,
                                            const std::vector<std::string>& targets,
                                            ClientLimits limits) {
  ClientRun run;
  run.targets = targets;
  run.time_limit = limits.time_limit;
  std::optional<HostsFile> hosts;
  LaunchSpec launch{launch_.program,
                    arguments,
                    topology_ ? &topology_->client(0).netns : nullptr,
                    launch_.stdout_log,
                    launch_.stderr_log,
                    {},
                    true};
#if defined(__SANITIZE_ADDRESS__)
  launch.limits.data_bytes = 0;  // ASan's shadow memory counts against RLIMIT_DATA
#endif
  launch.arguments.insert(launch.arguments.end(), launch_.extra_arguments.begin(),
                          launch_.extra_arguments.end());
  launch.arguments.insert(launch.arguments.end(), targets.begin(), targets.end());
  if (!host_lines_.empty()) {
    hosts.emplace(host_lines_);
    launch.bind_mounts = hosts->bind_mounts();
  }
  auto start = SteadyClock::now();
  SupervisedProcess client = SupervisedProcess::launch(launch);
  ForkWatch fork_watch(client.pid());
  bool exited = false;
  if (limits.sample_at) {
    exited = client.exits_within(*limits.sample_at);
    if (!exited) {
      ProcessFacts facts = client.facts();
      run.open_fds_sampled = facts.open_fds;
      run.cpu_seconds = facts.cpu_seconds;
      run.sampled_at_seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
    }
  }
  if (!exited) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(start + limits.time_limit -
                                                                      SteadyClock::now());
    exited = client.exits_within(std::max(left, 0ms));
  }
  run.seconds = std::chrono::duration<double>(SteadyClock::now() - start).count();
  SupervisedProcess::StopResult stop = client.stop(500ms);
  if (int processes = fork_watch.tripped_at(); processes > 0)
    fail(fork_bomb(processes, fork_watch.max_processes()));
  if (exited) run.status = stop.status;
  exit_description_ = exited ? stop.status.describe()
                             : "still running after " + std::to_string(limits.time_limit.count()) +
                                   " ms, then stopped (" + stop.status.describe() + ")";
  run.stderr_tail = client.stderr_tail();
  std::istringstream out(client.stdout_text());
  for (std::string text; std::getline(out, text);) {
    if (text.empty()) continue;
    if (auto line = parse_client_line(text)) {
      run.lines.push_back(*line);
    } else {
      run.malformed_lines.push_back(text);
    }
  }
  return run;
}

void ClientScenarioContext::require_finished(const ClientRun& run,
                                             const std::string& unfinished_meaning) {
  const std::string format = "TARGET RESULT ERRNO_NAME ELAPSED_MS";
  if (!run.malformed_lines.empty()) {
    fail({"one line per target in the form '" + format +
              "' (RESULT: connected, refused, "
              "timeout, unreachable or error)",
          "the client printed '" + run.malformed_lines.front() + "'",
          "The harness reads each target's outcome from these lines; print nothing else on "
          "stdout (logs go to stderr)."});
  }
  std::vector<std::string> missing;
  for (const std::string& target : run.targets) {
    if (!run.line_for(target)) missing.push_back(target);
  }
  std::string expected =
      (run.targets.size() == 1
           ? std::string("a line for its target")
           : "a line for each of the " + std::to_string(run.targets.size()) + " targets") +
      " and exit status 0 within " + std::to_string(run.time_limit.count()) + " ms";
  if (!run.status) {
    fail({expected,
          "the client printed " + std::to_string(run.lines.size()) +
              " lines and was still running "
              "after " +
              std::to_string(run.time_limit.count()) + " ms" +
              (missing.empty() ? "" : "; no line for " + joined(missing, 5)),
          unfinished_meaning});
  }
  if (!run.status->exited) {
    std::string happened = "the client " + run.status->describe();
    if (!run.stderr_tail.empty()) happened += "; last lines of its stderr:\n" + run.stderr_tail;
    fail({expected, happened,
          "A client must outlive every failed connection: a refused, reset or timed-out target "
          "is that target's result, not the end of the program."});
  }
  if (!missing.empty()) {
    fail({expected,
          "it exited (" + run.status->describe() + ") with no line for " + joined(missing, 5),
          "Every target must get exactly one result line, failed ones included."});
  }
  if (run.status->code != 0) {
    fail({expected, "it printed every line but " + run.status->describe(),
          "Exit status 0 means every target got a definite result; a failed connection is a "
          "result, not an error of the program."});
  }
}

void ClientScenarioContext::require_line(const ClientRun& run, const std::string& target,
                                         const ExpectedLine& expected, const std::string& meaning) {
  const ClientLine* line = run.line_for(target);
  std::string wanted = "'" + target + " " + expected.result + " " + expected.error_name + "' " +
                       window_text(expected);
  if (!line) fail({wanted, "the client printed no line for " + target, meaning});
  bool same = line->result == expected.result && line->error_name == expected.error_name;
  if (!same || line->elapsed_ms < expected.min_ms || line->elapsed_ms > expected.max_ms) {
    fail({wanted, "the client printed '" + line->text() + "'", meaning});
  }
}

std::vector<TcpSegment> ClientScenarioContext::captured_segments() const {
  return capture_ ? capture_->segments() : std::vector<TcpSegment>{};
}

}  // namespace socklab::harness
