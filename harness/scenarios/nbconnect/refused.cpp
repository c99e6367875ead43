// A port where nothing listens: the host answers the SYN with RST, and the client must say
// "refused" at once, which only getsockopt(SO_ERROR) tells it.
#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

namespace socklab::harness::nbconnect {

SOCKLAB_CLIENT_SCENARIO(refused,
                        {.group = "nbconnect",
                         .name = "refused",
                         .purpose = "a closed port: refused at once (the host sends RST)"}) {
  std::string target = context.on_server_host(context.server_host().add_closed_port());
  ClientRun run = context.run_client(deadline_arguments(), {target}, run_limits());
  context.require_finished(run, kDeadlineMeaning);
  context.require_line(run, target, {"refused", "ECONNREFUSED", 0, kAtOnceMs}, kSoErrorMeaning);
  context.observe("refused after " + std::to_string(run.line_for(target)->elapsed_ms) +
                  " ms: the target's kernel answered the SYN with RST");
}

}  // namespace socklab::harness::nbconnect
