// 100 targets at once, a mix of every kind: the attempts run concurrently, so the whole run
// takes about one deadline, not the sum of them, and every failed attempt's socket is closed
// as soon as it fails, not when the program ends.
#include <cstdio>

#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {
namespace {

struct Target {
  std::string text;
  ExpectedLine expected;
};

// Of every ten targets: 4 listening, 3 refused, 2 silent, 1 unreachable, interleaved so that
// no kind sits at one end of the command line.
constexpr char kPattern[] = "CRBCRCUBRC";
constexpr int kSilentTargets = 20;

std::vector<Target> make_targets(ClientScenarioContext& context) {
  std::vector<Target> targets;
  int silent = 0, unroutable = 0;
  for (int i = 0; i < 100; ++i) {
    switch (kPattern[i % 10]) {
      case 'C':
        targets.push_back({context.on_server_host(context.server_host().add_responder()),
                           {"connected", "-", 0, kAtOnceMs}});
        break;
      case 'R':
        targets.push_back({context.on_server_host(context.server_host().add_closed_port()),
                           {"refused", "ECONNREFUSED", 0, kAtOnceMs}});
        break;
      case 'B':
        targets.push_back({context.client_host_address(1) + ":" + std::to_string(7000 + silent++),
                           {"timeout", "ETIMEDOUT", kTimeoutMinMs, kTimeoutMaxMs}});
        break;
      default:
        targets.push_back({ClientScenarioContext::unroutable_address(unroutable++) + ":7000",
                           {"unreachable", "ENETUNREACH", 0, kAtOnceMs}});
    }
  }
  return targets;
}

}  // namespace

SOCKLAB_CLIENT_SCENARIO(
    hundred_targets,
    {.group = "nbconnect",
     .name = "hundred-targets",
     .purpose = "100 mixed targets at once: about one deadline in all, no fd left open",
     .client_hosts = 2,
     .needs_topology = true}) {
  context.silence_client_host(1);
  std::vector<Target> targets = make_targets(context);
  std::vector<std::string> texts;
  for (const Target& target : targets) texts.push_back(target.text);
  // Half-way through the deadline only the 20 silent targets are still pending.
  ClientRun run = context.run_client(deadline_arguments(), texts,
                                     {kRunLimit, std::chrono::milliseconds(kDeadlineMs / 2)});
  context.require_finished(
      run,
      "All 100 attempts must be in flight at once, each with its own deadline, so the run "
      "takes about one deadline (" +
          std::to_string(kDeadlineMs) +
          " ms), not the sum of "
          "them: a client that connects one target at a time needs " +
          std::to_string(kSilentTargets) + " deadlines for the silent targets alone.");
  for (const Target& target : targets) {
    context.require_line(run, target.text, target.expected,
                         "Each target's result is its own: see the single-target scenarios "
                         "(connected, refused, blackholed, unreachable) for this one's kind.");
  }
  // Each pending attempt holds its socket, and perhaps a timerfd; a few more for stdio and
  // epoll. A client that leaks the socket of each of the 40 failed attempts holds over 60.
  const int limit = 2 * kSilentTargets + 10;
  if (run.open_fds_sampled > limit) {
    fail({"at most " + std::to_string(limit) + " open descriptors " +
              std::to_string(kDeadlineMs / 2) + " ms into the run, when only the " +
              std::to_string(kSilentTargets) + " silent targets were still pending",
          "the client held " + std::to_string(run.open_fds_sampled) + " open descriptors",
          "A refused or unreachable attempt is over: close its socket at once. A client that "
          "keeps them until it exits runs out of descriptors (EMFILE) as soon as it connects to "
          "more targets than its limit, and nginx or Redis would leak one per failed retry."});
  }
  char cpu[96];
  std::snprintf(cpu, sizeof cpu, "%.3f s of CPU in the first %.2f s", run.cpu_seconds,
                run.sampled_at_seconds);
  context.observe("100 targets in " + std::to_string(static_cast<long>(run.seconds * 1000)) +
                  " ms; " + std::to_string(run.open_fds_sampled) + " descriptors open and " + cpu +
                  " while the silent targets were pending");
}

}  // namespace socklab::harness::nbconnect
