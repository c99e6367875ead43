// An address with no route from the client's host: connect() itself fails with ENETUNREACH,
// before any packet is sent, and the client must report it at once, not wait for writability.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {

SOCKLAB_CLIENT_SCENARIO(unreachable, {.group = "nbconnect",
                                      .name = "unreachable",
                                      .purpose = "a network with no route: unreachable at once",
                                      .needs_topology = true}) {
  // Inside the sandbox only: the client's host routes 198.18.0.0/16 and nothing else.
  std::string target = ClientScenarioContext::unroutable_address(0) + ":7000";
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, {"unreachable", "ENETUNREACH", 0, kAtOnceMs},
                       "With no route to the address, connect() fails at once with ENETUNREACH: "
                       "no SYN is sent and no event will ever come. Any errno other than "
                       "EINPROGRESS from a non-blocking connect is the attempt's final result.");
  if (context.capturing()) {
    std::size_t segments = connections_to(context, target).size();
    context.observe("connect() failed at once with ENETUNREACH; the capture holds " +
                    std::to_string(segments) + " connections to that address");
  }
}

}  // namespace socklab::harness::nbconnect
