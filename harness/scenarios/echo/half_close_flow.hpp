// The half-close conversation, shared by the echo labs' half-close scenario and the close lab's
// graceful-half-close: 1 MiB and the client's FIN while most of the echo is still owed.
#pragma once

#include <string>

#include "harness/engine/scenario_context.hpp"

namespace socklab::harness {

// The client sends 1 MiB and its FIN but reads nothing for the first 500 ms, through a 64 KiB
// receive buffer, then 256 KiB per 10 ms. Fails unless the server's FIN follows every byte it
// owed, with no RST. `meaning`: what a server that closed early got wrong.
void drive_half_close(ScenarioContext& context, const std::string& scenario,
                      const std::string& meaning);

// The golden's fact that varies in that conversation, and why.
VaryingFact half_close_zero_window();

}  // namespace socklab::harness
