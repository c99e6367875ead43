// A name with two addresses, the first refusing or silent, the second listening: the client
// tries them in the order getaddrinfo gives, as Redis's anetTcpGenericConnect loops over its
// addresses, and connects through the second.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {
namespace {

const std::string kName = "two-homed";

// Client host 1 is the first address and the server host the second; getaddrinfo keeps this
// order (RFC 6724 rule 9, longest matching prefix with the source 198.18.0.10, agrees with it).
void connect_through_second_address(ClientScenarioContext& context, const ExpectedLine& expected,
                                    const std::string& first_failure) {
  std::uint16_t port = context.server_host().add_responder();
  std::string first = context.client_host_address(1);
  context.add_host_name(kName, {first, context.server_host().address()});
  std::string target = kName + ":" + std::to_string(port);
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, expected,
                       "'" + kName + "' resolves to " + first + " (" + first_failure +
                           ") and then " + context.server_host().address() +
                           " (listening). When an attempt on "
                           "one address fails, the next address gets an attempt of its own, in "
                           "the order getaddrinfo returned them.");
  if (context.capturing()) {
    context.observe("SYNs to the first address " + first + ": " +
                    syn_times_text(connections_to(context, first + ":" + std::to_string(port))) +
                    "; connected through the second after " +
                    std::to_string(run.line_for(target)->elapsed_ms) + " ms");
  }
}

}  // namespace

SOCKLAB_CLIENT_SCENARIO(
    name_refused_then_listening,
    {.group = "nbconnect",
     .name = "fallback-refused",
     .purpose = "a name whose first address refuses: connected through the second",
     .client_hosts = 2,
     .needs_topology = true}) {
  connect_through_second_address(context, {"connected", "-", 0, kAtOnceMs},
                                 "nothing listens there: RST");
}

SOCKLAB_CLIENT_SCENARIO(
    name_blackholed_then_listening,
    {.group = "nbconnect",
     .name = "fallback-timeout",
     .purpose = "a name whose first address is silent: connected after one deadline",
     .client_hosts = 2,
     .needs_topology = true}) {
  context.silence_client_host(1);
  // One full deadline on the first address, then a prompt connect on the second.
  connect_through_second_address(context, {"connected", "-", kTimeoutMinMs, kTimeoutMaxMs},
                                 "silent: its attempt times out");
}

}  // namespace socklab::harness::nbconnect
