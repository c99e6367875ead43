// Scenarios: registered the way GoogleTest registers tests. A scenario is a function over a
// ScenarioContext; it drives clients against the server under test and fails with a Finding.
//
//   SOCKLAB_SCENARIO(half_close, {.group = "echo", .name = "half-close",
//                                 .purpose = "all data, then the server's FIN"}) {
//     ...
//   }
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace socklab::harness {

class ScenarioContext;
class ClientScenarioContext;

// A fact of the normalized trace that changes from run to run in this scenario, for a reason
// the scenario states: its golden accepts `pattern` (a glob: "*" is any text) instead of each
// recorded value the pattern matches. Everything else must come out the same every run.
struct VaryingFact {
  std::string key;      // "client sends"
  std::string pattern;  // "* RST"
  std::string why;      // "the client vanishes at a random point of its transfer"
};

struct ScenarioSpec {
  std::string group{};    // the labs that run it name this group ("echo": every echo server lab)
  std::string name{};     // unique within its group: "half-close"
  std::string purpose{};  // one line for `socklab list`
  int client_hosts = 1;
  bool needs_topology = false;  // true: cannot run on loopback (--no-netns); reported skipped
  std::vector<std::string> server_arguments{};  // appended to the server's command line
  std::chrono::seconds time_limit{30};          // the scenario's own deadlines stay inside it
  std::vector<VaryingFact> varying_facts{};     // of its golden trace (see traces/README.md)
  // Independent checks the body runs with ScenarioContext::part(), so that a rubric can give
  // points for each (lab.toml `parts`): "data-and-fin", "close-blocks". A failure in one part
  // does not stop the others; a failure outside every part loses them all.
  std::vector<std::string> parts{};
  void (*body)(ScenarioContext&) = nullptr;
  // Client labs (nbconnect) instead: the program under test is the client, started by the
  // body against targets the harness sets up (see client_scenario_context.hpp).
  void (*client_body)(ClientScenarioContext&) = nullptr;
};

bool register_scenario(ScenarioSpec spec);
// In registration order within each file; sorted by group, then by a per-group order given by
// the scenario list of the group (see labs.cpp), so runs and reports are stable.
const std::vector<ScenarioSpec>& registered_scenarios();
const ScenarioSpec* find_scenario(const std::string& group, const std::string& name);

}  // namespace socklab::harness

#define SOCKLAB_SCENARIO(function, ...)                       \
  static void function(::socklab::harness::ScenarioContext&); \
  [[maybe_unused]] static const bool function##_registered =  \
      ::socklab::harness::register_scenario([] {              \
        ::socklab::harness::ScenarioSpec spec __VA_ARGS__;    \
        spec.body = function;                                 \
        return spec;                                          \
      }());                                                   \
  static void function(::socklab::harness::ScenarioContext& context)

// The same for a scenario of a client lab, whose body sets up targets and runs the client.
#define SOCKLAB_CLIENT_SCENARIO(function, ...)                      \
  static void function(::socklab::harness::ClientScenarioContext&); \
  [[maybe_unused]] static const bool function##_registered =        \
      ::socklab::harness::register_scenario([] {                    \
        ::socklab::harness::ScenarioSpec spec __VA_ARGS__;          \
        spec.client_body = function;                                \
        return spec;                                                \
      }());                                                         \
  static void function(::socklab::harness::ClientScenarioContext& context)
