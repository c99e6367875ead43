// A listening server: the handshake completes at once, then the client's PING is answered.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {

SOCKLAB_CLIENT_SCENARIO(connected, {.group = "nbconnect",
                                    .name = "connected",
                                    .purpose = "a listening server: connected, PING answered"}) {
  std::string target = context.on_server_host(context.server_host().add_responder());
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, {"connected", "-", 0, kAtOnceMs},
                       "The server listens and accepts: the handshake completes within a round "
                       "trip, and the PING is answered at once. " +
                           kSoErrorMeaning);
  if (context.server_host().pings_answered() < 1) {
    fail(
        {"the client to send PING on its connection and read the +PONG reply before reporting "
         "it connected",
         "it reported connected, but the server received no PING",
         "A completed handshake only means the peer's kernel accepted the connection. Like "
         "Redis's replica (syncWithMaster), the client proves the peer is alive and speaking its "
         "protocol with a PING."});
  }
  context.observe("the handshake completed and the PING was answered after " +
                  std::to_string(run.line_for(target)->elapsed_ms) + " ms");
}

}  // namespace socklab::harness::nbconnect
