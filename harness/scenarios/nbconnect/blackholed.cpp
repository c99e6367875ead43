// A host that drops everything (a crashed host, or a firewall that drops instead of
// rejecting): no RST, no ICMP, only silence. The client's own deadline is all that ends the
// attempt; the capture shows the SYN, its retransmission at about 1 s, and nothing after the
// deadline because the socket was closed.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {

SOCKLAB_CLIENT_SCENARIO(blackholed,
                        {.group = "nbconnect",
                         .name = "blackholed",
                         .purpose = "a host that drops every packet: timeout at the deadline",
                         .client_hosts = 2,
                         .needs_topology = true}) {
  context.silence_client_host(1);
  std::string target = context.client_host_address(1) + ":7000";
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  // The wire first: a client that ignores its deadline also fails to finish, but the SYNs it
  // kept sending show why.
  require_no_syn_after_deadline(context, run, target);
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, {"timeout", "ETIMEDOUT", kTimeoutMinMs, kTimeoutMaxMs},
                       "Nothing answers a SYN sent to a silent host, so only the client's own "
                       "deadline ends the attempt: exactly then, not before. " +
                           kDeadlineMeaning);
  if (context.capturing()) {
    context.observe(
        "the client's SYNs to the silent host: " + syn_times_text(connections_to(context, target)) +
        "; timeout reported after " + std::to_string(run.line_for(target)->elapsed_ms) + " ms");
  }
}

}  // namespace socklab::harness::nbconnect
