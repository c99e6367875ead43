// vanishing-client: clients that send, half-close, read a little and then vanish with RST,
// as a crashed client process does. The server must survive, release their sockets and go on
// serving.
#include <thread>

#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_vanishing_client,
                 {.group = "echo",
                  .name = "vanishing-client",
                  .purpose = "5 clients reset (RST) while their echo is owed; the server serves on",
                  .varying_facts = {
                      {"client sends", "*, then RST",
                       "a vanishing client resets after its FIN or, when it has not sent everything "
                       "yet, instead of it"},
                      {"server sends", "* bytes, until the client's RST",
                       "how much echo the server sent before the RST is timing"},
                      {"first to close", "client *", "the client closes first, with FIN or RST as above"},
                  }}) {
  std::vector<EchoFlow> vanishing;
  for (int i = 0; i < 5; ++i) {
    // 768 KiB sent and half-closed, 16 KiB read, then close() with SO_LINGER {1, 0}: RST
    // reaches the server while it is still writing the echo, in CLOSE_WAIT. The 16 KiB receive
    // window keeps the server's socket buffer small, so most of the echo is still in the
    // server's memory and its next send() meets the RST (EPIPE).
    vanishing.emplace_back("vanishing client " + std::to_string(i), context.random_bytes(768 << 10));
    vanishing.back()
        .chunk_sizes(16 << 10, 64 << 10)
        .receive_buffer(16 << 10)
        .half_close_when_sent()
        .read_pace(16 << 10, 10s)
        .reset_after_echo(16 << 10);
  }
  DriveEnd end = context.drive(vanishing, {.deadline = 20s, .stall = 3s});
  context.require_complete(vanishing, end, "each vanishing client to send 768 KiB and read 16 KiB",
                           "The server stopped reading from these clients before they could "
                           "send their data.");
  // Give the server a moment to meet the RSTs with its next write (EPIPE or ECONNRESET).
  std::this_thread::sleep_for(200ms);
  context.require_server_alive("vanishing-client, after 5 clients reset their connections");

  std::vector<EchoFlow> survivor;
  survivor.emplace_back("a new client", context.random_bytes(4096));
  end = context.drive(survivor, {.deadline = 10s, .stall = 3s});
  context.require_complete(survivor, end,
                           "a new client served after the others reset their connections",
                           "The server stopped serving after some peers reset their connections: "
                           "ECONNRESET and EPIPE end one connection, never the server.");
}

}  // namespace socklab::harness
