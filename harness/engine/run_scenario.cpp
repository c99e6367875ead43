#include "harness/engine/run_scenario.hpp"

#include <algorithm>
#include <optional>
#include <thread>

#include "harness/capture/packet_capture.hpp"
#include "harness/engine/interruption.hpp"
#include "harness/engine/lab_manifest.hpp"
#include "harness/engine/process_checks.hpp"
#include "harness/engine/run_client_scenario.hpp"
#include "harness/engine/scenario_context.hpp"
#include "harness/process/fork_watch.hpp"
#include "harness/sandbox/topology.hpp"
#include "harness/trace/normalized_trace.hpp"
#include "harness/trace/trace_diff.hpp"

namespace socklab::harness {
namespace {

using namespace std::chrono_literals;

std::uint64_t seed_for(const ScenarioSpec& spec, std::uint64_t run_seed) {
  return std::hash<std::string>{}(spec.group + "/" + spec.name) ^ run_seed;
}

Finding never_listened(const std::string& problem) {
  return {"the server to print 'listening on HOST:PORT' and accept connections", problem,
          "Until a socket listens on the port, the kernel answers every SYN with RST "
          "(connection refused), so no client can reach the server."};
}

// After the clients have closed, each connection's socket must be closed by the server too.
std::optional<Finding> check_descriptors_released(SupervisedProcess& server, int baseline,
                                                  int connections) {
  return descriptors_released(
      server, baseline + kDescriptorTolerance, 3s,
      "the server to close its sockets once the " + std::to_string(connections) +
          " clients of this scenario had closed theirs (" + std::to_string(baseline) +
          " before them, give or take " + std::to_string(kDescriptorTolerance) + ")",
      "after the last client closed");
}

std::optional<Finding> check_clean_stop(const SupervisedProcess::StopResult& stop,
                                        std::chrono::milliseconds grace) {
  if (stop.needed_sigkill) {
    return Finding{
        "the server to exit within " + std::to_string(grace.count() / 1000) + " s of SIGTERM",
        "it was still running and had to be killed with SIGKILL",
        "SIGTERM asks a server to stop: it must stop accepting, close its connections (their "
        "peers see FIN) and exit 0."};
  }
  if (!stop.status.clean()) {
    return Finding{"the server to exit with status 0 on SIGTERM", "it " + stop.status.describe(),
                   "A server killed by SIGTERM's default action drops its connections without "
                   "closing them cleanly; handle SIGTERM, close every socket, exit 0."};
  }
  return std::nullopt;
}

// A failure outside every part: the scenario as a whole failed, and no part earns its points.
void record_failure(ScenarioResult& result, Finding finding) {
  if (!result.whole_failure) result.whole_failure = finding;
  if (result.verdict == Verdict::failed) return;  // the first finding is the one to fix first
  result.verdict = Verdict::failed;
  result.finding = std::move(finding);
}

// The parts' outcomes; a failed part fails the scenario, but only that part loses its points.
void record_parts(ScenarioResult& result, const std::vector<PartResult>& parts) {
  result.parts = parts;
  for (const PartResult& part : parts) {
    if (part.passed || result.verdict == Verdict::failed) continue;
    result.verdict = Verdict::failed;
    result.finding = part.finding;
  }
}

void run_inside(const ScenarioJob& job, const RunSettings& settings, ScenarioResult& result) {
  const ScenarioSpec& spec = *job.spec;
  std::optional<Topology> topology;
  if (settings.use_netns) topology.emplace(Topology::create(spec.client_hosts));
  std::string host = topology ? topology->server().address : "127.0.0.1";

  LaunchSpec launch{job.program,
                    {"--host", host, "--port", "0"},
                    topology ? &topology->server().netns : nullptr,
                    result.stdout_log,
                    result.stderr_log,
                    {},
                    true};
#if defined(__SANITIZE_ADDRESS__)
  // This harness was built with AddressSanitizer, and so were the servers beside it: ASan
  // reserves terabytes of shadow memory, which RLIMIT_DATA counts.
  launch.limits.data_bytes = 0;
#endif
  launch.arguments.insert(launch.arguments.end(), spec.server_arguments.begin(),
                          spec.server_arguments.end());
  launch.arguments.insert(launch.arguments.end(), settings.extra_server_arguments.begin(),
                          settings.extra_server_arguments.end());
  // Held in an optional: a scenario may restart the server (restart_server_on_same_port), and
  // every check from then on, the final ones below included, applies to the new one.
  std::optional<SupervisedProcess> server;
  std::optional<ForkWatch> fork_watch;
  // A fork bomb's verdict replaces whatever its dying server made the scenario see first.
  auto report_fork_bomb = [&] {
    if (!fork_watch || fork_watch->tripped_at() == 0) return;
    // Like a crash, the fork bomb explains whatever else failed: it is the verdict, and the
    // failure that costs every part.
    result.verdict = Verdict::passed;
    result.whole_failure.reset();
    record_failure(result, fork_bomb(fork_watch->tripped_at(), fork_watch->max_processes()));
  };
  server.emplace(SupervisedProcess::launch(launch));
  fork_watch.emplace(server->pid());
  Readiness ready = server->wait_until_listening(settings.ready_timeout);
  if (!ready.ready) {
    record_failure(result, never_listened(ready.problem));
    result.server_exit = server->stop(settings.stop_grace).status.describe();
    report_fork_bomb();
    return;
  }
  if (ready.host != host && ready.host != "0.0.0.0") {
    record_failure(
        result, {"the server to listen on the address given by --host (" + host + ")",
                 "it printed 'listening on " + ready.host + ":" + std::to_string(ready.port) + "'",
                 "Clients on other hosts reach the server at " + host +
                     "; a socket bound to another address never sees their SYNs. Bind the "
                     "address given by --host."});
    result.server_exit = server->stop(settings.stop_grace).status.describe();
    return;
  }
  int baseline_fds = server->facts().open_fds;

  std::optional<PacketCapture> capture;
  if (topology) {
    result.pcap = result.stdout_log.parent_path() / (spec.name + ".pcap");
    capture.emplace(
        PacketCapture::start(topology->server().netns, Topology::kCaptureInterface, result.pcap));
  } else {
    result.note = "no packet capture in loopback mode";
  }

  // Stops the server and starts the same program on the same port, with logs of its own.
  ServerRestarter restart = [&](std::uint16_t port) {
    ServerRestart restarted;
    restarted.unclean_stop =
        check_clean_stop(server->stop(settings.stop_grace), settings.stop_grace);
    LaunchSpec again = launch;
    auto port_flag = std::find(again.arguments.begin(), again.arguments.end(), "--port");
    *std::next(port_flag) = std::to_string(port);
    again.stdout_log = result.stdout_log.parent_path() / (spec.name + ".restarted.stdout.log");
    again.stderr_log = result.stdout_log.parent_path() / (spec.name + ".restarted.stderr.log");
    report_fork_bomb();
    fork_watch.reset();
    server.reset();
    server.emplace(SupervisedProcess::launch(again));
    fork_watch.emplace(server->pid());
    restarted.ready = server->wait_until_listening(settings.ready_timeout);
    restarted.server = &*server;
    return restarted;
  };

  {
    ScenarioContext context(spec, topology ? &*topology : nullptr, capture ? &*capture : nullptr,
                            *server, {host, ready.port}, seed_for(spec, settings.seed), restart);
    std::optional<Finding> outside_parts;
    try {
      spec.body(context);
    } catch (const ScenarioFailure& failure) {
      outside_parts = failure.finding();
    }
    // The parts ran before whatever ended the body, so their failures come first.
    record_parts(result, context.part_results());
    if (outside_parts) record_failure(result, *outside_parts);
    if (result.verdict == Verdict::failed) {
      // A failure can be the first sign of a crash: a client reset by a dying server fails
      // its check before the process is seen exited. The crash verdict below says more.
      server->exits_within(std::chrono::milliseconds(300));
    }
    result.observations = context.observations();
    // The body's flows are gone, so every client socket is closed: the server has seen FIN or
    // RST on each.
    if (result.verdict != Verdict::failed && server->alive()) {
      if (auto leak =
              check_descriptors_released(*server, baseline_fds, context.connections_opened())) {
        record_failure(result, *leak);
      }
    }
    if (!server->alive() && !context.restart_failed()) {
      // A crash explains every other symptom: report it, whatever the scenario noticed first.
      // Not so for a restarted server that never listened: the scenario has said why.
      result.verdict = Verdict::passed;
      result.whole_failure.reset();
      record_failure(result, context.server_crash_finding(spec.name));
    }
  }
  // The last FINs and ACKs of the scenario's clients cross before SIGTERM: on a loaded machine
  // a client's FIN can wait in the kernel's backlog for milliseconds, and a server stopped
  // meanwhile would close first, which the trace would wrongly show as the server's doing.
  if (capture)
    capture->wait_until_quiet(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
  SupervisedProcess::StopResult stop = server->stop(settings.stop_grace);
  result.server_exit = stop.status.describe();
  if (result.verdict != Verdict::failed) {
    if (auto unclean = check_clean_stop(stop, settings.stop_grace))
      record_failure(result, *unclean);
  }
  report_fork_bomb();
  if (capture) stop_capture(*capture, result);
}

// A failed verdict shows the student's wire beside the golden trace recorded from the
// reference, when there is one: often the first place the two part says more than the check.
// Never turns the verdict into an error: what goes wrong here is said in golden_error.
void compare_with_golden(const RunSettings& settings, ScenarioResult& result) {
  std::error_code ignored;
  if (settings.golden_dir.empty() || result.pcap.empty() ||
      !std::filesystem::exists(result.pcap, ignored))
    return;
  std::filesystem::path golden = settings.golden_dir / result.lab / (result.scenario + ".trace");
  if (!std::filesystem::exists(golden, ignored)) return;
  result.golden_trace = golden.string();
  if (result.packets_dropped > 0) {
    result.golden_error = "the capture is incomplete (the kernel dropped packets): not compared";
    return;
  }
  try {
    NormalizedTrace expected = load_normalized_trace(golden.string());
    NormalizedTrace actual = load_normalized_trace(result.pcap.string());
    if (auto divergence = compare_traces(expected, actual)) {
      result.golden_divergence = divergence->explanation;
      result.golden_side_by_side = divergence->side_by_side;
    }
  } catch (const std::exception& error) {
    result.golden_error = error.what();
  }
}

}  // namespace

ScenarioResult run_scenario(const ScenarioJob& job, const RunSettings& settings) {
  ScenarioResult result;
  result.lab = job.lab->name;
  result.scenario = job.spec->name;
  result.purpose = job.spec->purpose;
  if (const LabManifest* manifest = manifest_of(*job.lab)) {
    if (const Checkpoint* checkpoint = manifest->checkpoint_of(job.spec->name)) {
      result.checkpoint = checkpoint->number;
      result.step = checkpoint->step;
      result.checkpoint_title = checkpoint->title;
      result.handout = manifest->handout();
    }
  }
  result.server_program = job.program;
  auto start = std::chrono::steady_clock::now();
  if (!settings.use_netns && job.spec->needs_topology) {
    result.verdict = Verdict::skipped;
    result.note = "needs its own network hosts (namespaces), which --no-netns cannot provide";
    return result;
  }
  std::filesystem::path folder = settings.out_dir / job.lab->name;
  std::filesystem::create_directories(folder);
  result.stdout_log = folder / (job.spec->name + ".stdout.log");
  result.stderr_log = folder / (job.spec->name + ".stderr.log");
  result.verdict = Verdict::passed;
  try {
    if (job.spec->client_body) {
      run_client_inside(job, settings, result);
    } else {
      run_inside(job, settings, result);
    }
    if (result.verdict == Verdict::failed) compare_with_golden(settings, result);
  } catch (const Interrupted&) {
    throw;
  } catch (const std::exception& error) {
    result.verdict = Verdict::error;
    result.note = std::string("the harness failed: ") + error.what();
  }
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace socklab::harness
