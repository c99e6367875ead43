// graceful-half-close: an echo client sends 1 MiB and its FIN while most of the echo is still
// owed; in graceful mode the server sends all of it, then its own FIN, and never RST.
#include "harness/scenarios/echo/half_close_flow.hpp"

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_graceful_half_close,
    {.group = "close",
     .name = "graceful-half-close",
     .purpose = "echo, graceful: client FIN, then all 1 MiB echoed, the server's FIN, no RST",
     .server_arguments = {"--proto", "echo", "--close-mode", "graceful"},
     .varying_facts = {half_close_zero_window()}}) {
  drive_half_close(
      context, "graceful-half-close",
      "After the peer's FIN (read() returns 0) the connection is half-closed, not closed: a "
      "graceful close sends everything owed, then shutdown(SHUT_WR) or close() sends our FIN.");
}

}  // namespace socklab::harness
