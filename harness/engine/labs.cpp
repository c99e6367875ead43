#include "harness/engine/labs.hpp"

#include <algorithm>

#include "harness/engine/lab_manifest.hpp"

namespace socklab::harness {
namespace {

// The order a student meets the echo scenarios in: plain correctness, then concurrency, then
// the edges of the I/O model, then closing, then the slow and the silent peers.
const std::vector<std::string> kEchoOrder = {
    "integrity",
    "pipelined",
    "many-clients",
    "connect-burst",
    "single-4mib-write",
    "half-close",
    "vanishing-client",
    "slow-sender",
    "idle-connections",
    // Faults: crashed, reset and vanished peers, then peers that stop reading or read slowly.
    "peer-crash",
    "abortive-close",
    "forged-rst",
    "middlebox-rst",
    "host-crash-keepalive",
    "host-crash-idle-timeout",
    "host-reboot",
    "full-send-buffer",
    "slow-reader",
};

// One target of each kind, then names with several addresses, then everything at once.
const std::vector<std::string> kNbconnectOrder = {
    "connected",         "refused",          "blackholed",       "unreachable",
    "full-accept-queue", "fallback-refused", "fallback-timeout", "hundred-targets",
};

// Graceful first, then the two other close modes, the classic bug, TIME_WAIT, and resets.
const std::vector<std::string> kCloseOrder = {
    "graceful-half-close", "graceful-quit",     "abortive",          "linger",
    "unread-input",        "restart-time-wait", "write-after-reset", "read-after-reset",
};

std::size_t rank(const ScenarioSpec& spec) {
  const std::vector<std::string>& order = spec.group == "nbconnect" ? kNbconnectOrder
                                          : spec.group == "close"   ? kCloseOrder
                                                                    : kEchoOrder;
  auto found = std::find(order.begin(), order.end(), spec.name);
  return static_cast<std::size_t>(found - order.begin());  // unknown names go last
}

}  // namespace

const std::vector<Lab>& all_labs() {
  static const std::vector<Lab> labs = {
      {"blocking", "echo server, blocking sockets, one thread per connection", "echo"},
      {"select", "echo server on select(2)", "echo"},
      {"poll", "echo server on poll(2)", "echo"},
      {"epoll-lt", "echo server on level-triggered epoll", "echo"},
      {"epoll-et", "echo server on edge-triggered epoll", "echo"},
      {"nbconnect", "non-blocking connect client: many targets at once, each with a deadline",
       "nbconnect", true},
      {"close", "echo/RESP server that closes gracefully, abortively or with SO_LINGER", "close"},
  };
  return labs;
}

const Lab* find_lab(const std::string& name) {
  for (const Lab& lab : all_labs()) {
    if (lab.name == name) return &lab;
  }
  return nullptr;
}

std::string reference_program_name(const Lab& lab) { return "ref-" + lab.name; }

std::vector<const ScenarioSpec*> scenarios_in_group(const std::string& group) {
  std::vector<const ScenarioSpec*> found;
  for (const ScenarioSpec& spec : registered_scenarios()) {
    if (spec.group == group) found.push_back(&spec);
  }
  std::stable_sort(found.begin(), found.end(), [](const ScenarioSpec* a, const ScenarioSpec* b) {
    return rank(*a) < rank(*b);
  });
  return found;
}

std::vector<const ScenarioSpec*> scenarios_of(const Lab& lab) {
  std::vector<const ScenarioSpec*> found = scenarios_in_group(lab.scenario_group);
  const LabManifest* manifest = manifest_of(lab);
  if (!manifest) return found;
  // Checkpoint by checkpoint; a valid manifest names every scenario exactly once.
  std::vector<const ScenarioSpec*> ordered;
  for (const Checkpoint& checkpoint : manifest->checkpoints) {
    for (const std::string& name : checkpoint.scenarios) {
      for (const ScenarioSpec* spec : found) {
        if (spec->name == name) ordered.push_back(spec);
      }
    }
  }
  return ordered;
}

}  // namespace socklab::harness
