// A listener whose accept queue is full and whose program never calls accept(). Linux does not
// refuse: it drops the SYN (counted as ListenOverflows), so the client sees the same silence
// as from a dead host, its SYN retransmitted, and only its deadline ends the attempt.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {

SOCKLAB_CLIENT_SCENARIO(
    full_accept_queue,
    {.group = "nbconnect",
     .name = "full-accept-queue",
     .purpose = "a listener whose accept queue is full: SYNs dropped, timeout"}) {
  std::string target = context.on_server_host(context.server_host().add_full_accept_queue());
  long overflows_before = context.server_host().listen_overflows();
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, {"timeout", "ETIMEDOUT", kTimeoutMinMs, kTimeoutMaxMs},
                       "A listener whose accept queue is full drops new SYNs instead of answering "
                       "(net.ipv4.tcp_abort_on_overflow = 0): the client cannot tell it from a "
                       "dead host, and only its own deadline ends the attempt. " +
                           kDeadlineMeaning);
  std::string counted = "";
  if (long overflows = context.server_host().listen_overflows();
      overflows >= 0 && overflows_before >= 0) {
    counted = " (its kernel counted " + std::to_string(overflows - overflows_before) +
              " more ListenOverflows)";
  }
  if (context.capturing()) {
    context.observe("the listener's host dropped every SYN" + counted + ": SYNs at " +
                    syn_times_text(connections_to(context, target)) + ", no SYN-ACK, no RST");
  } else {
    context.observe("the listener's host dropped every SYN" + counted);
  }
}

}  // namespace socklab::harness::nbconnect
