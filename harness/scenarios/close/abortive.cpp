// abortive: with --close-mode abortive the server ends a finished connection with SO_LINGER
// {1, 0} and close(): its kernel sends RST instead of FIN and throws away whatever it had not
// sent yet. The client, which reads nothing for its first 500 ms, sees part of the echo and
// then ECONNRESET: an abortive close loses data, which is why it is the exception.
#include "harness/scenarios/close/scripted_client.hpp"
#include "net/errno_text.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_abortive,
    {.group = "close",
     .name = "abortive",
     .purpose = "echo, abortive: RST and no FIN; the client sees ECONNRESET, unsent data lost",
     .server_arguments = {"--proto", "echo", "--close-mode", "abortive"},
     .varying_facts = {
         {"server sends", "* bytes, then RST",
          "how much of the echo the client's kernel takes into its 16 KiB receive buffer before "
          "the RST (measured: 20272 to 30408 bytes) depends on how fast it opens its window"},
     }}) {
  constexpr std::size_t kPayload = 32 << 10;
  std::vector<EchoFlow> flows;
  // 32 KiB through a 16 KiB receive buffer, nothing read for 500 ms: the server's kernel takes the
  // whole echo, the server closes at once, and what did not fit in the client's window is still
  // in the server's kernel, waiting for the window to open, when RST throws it away. Under 1 s,
  // so that a server that closes with FIN instead shows its FIN in the comparison with the
  // golden, not a zero window held for a while (which counts from 1 s).
  flows.emplace_back("the client", context.random_bytes(kPayload));
  flows.back().half_close_when_sent().receive_buffer(16 << 10).start_reading_after(500ms);
  context.drive(flows, {.deadline = 15s, .stall = 3s});
  const EchoFlow& flow = flows.front();
  const std::string expected =
      "the server to abort the connection once the client's FIN had "
      "arrived and the echo was handed to its kernel: RST, no FIN, and "
      "ECONNRESET for the client";
  if (auto connection = connection_after_server_close(context, flow.local_endpoint(), 3s)) {
    Closing server = closing_of(*connection, Side::server);
    if (server.fin) {
      fail({expected,
            "the server sent FIN after " + std::to_string(server.data_bytes_before) +
                " bytes: it closed gracefully",
            "close() sends FIN unless SO_LINGER is {1, 0}: set it on the socket just before "
            "close(), and the kernel sends RST and discards what it has not sent."});
    }
    if (server.rst) {
      context.observe("on the wire the server sent " + std::to_string(server.data_bytes_before) +
                      " bytes, then RST and no FIN");
    }
  }
  if (flow.error_number() != ECONNRESET) {
    fail({expected, flow.describe(),
          "Without RST the client reads to EOF: the server closed with FIN. An abortive close "
          "is SO_LINGER {1, 0} followed by close()."});
  }
  context.observe("the client read " + std::to_string(flow.bytes_echoed()) + " of " +
                  std::to_string(kPayload) + " bytes, then " + errno_text(ECONNRESET) + ": " +
                  std::to_string(kPayload - flow.bytes_echoed()) +
                  " bytes were lost, thrown away by the server's kernel with the connection");
}

}  // namespace socklab::harness
