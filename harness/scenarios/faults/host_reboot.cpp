// host-reboot: a client's host goes down while the server still owes it data (the client had
// stopped reading: zero window), and comes back with the same address but none of its socket
// state. The server's next segment, a zero-window probe, reaches a kernel that has never heard
// of the connection and answers RST. The server must then close that connection and go on;
// the rebooted host connects again and is served.
#include <thread>

#include "harness/engine/scenario_context.hpp"
#include "harness/faults/packet_faults.hpp"
#include "harness/trace/segment_queries.hpp"
#include "net/socket.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(echo_host_reboot,
                 {.group = "echo",
                  .name = "host-reboot",
                  .purpose = "a client host reboots while owed data; its RST must close the socket",
                  .client_hosts = 1,
                  .needs_topology = true,
                  .varying_facts = {
                      {"client sends", "* bytes, then RST",
                       "how much the client sent before its host went silent is timing"},
                      {"server sends", "* bytes, until the client's RST",
                       "how much echo got through before the client's window closed is timing"},
                      {"zero window held by", "*", "which windows stay shut for 0.2 s before the "
                       "silence depends on when it starts"},
                  }}) {
  // 1 MiB sent, nothing read, a 16 KiB window: the server's output backs up behind a zero
  // window, and it holds a pending echo when the host goes down.
  std::vector<EchoFlow> flows;
  flows.emplace_back("the client on the rebooting host", context.random_bytes(1 << 20), 0);
  flows.back().receive_buffer(16 << 10).leave_echo_unread();
  context.drive(flows, {.deadline = 10s, .stall = 1s});  // stalls: the server cannot send
  context.require_server_alive("host-reboot, while the client was not reading");
  const TcpEndpoint client = flows[0].local_endpoint();
  const int connected = context.server_open_descriptors();

  {
    NftTable silence = silence_host(context.client_host(0));
    std::this_thread::sleep_for(1s);
    // The reboot: the host's sockets vanish. SO_LINGER {1, 0} discards the connection at once;
    // its RST dies in the silence, so the server hears nothing of it.
    Fd socket = flows[0].take_socket();
    set_linger(socket.get(), true, 0);
  }  // the socket closes, then the host speaks again
  double back_since = wall_clock_seconds();

  context.require_descriptors_at_most(
      connected - 1, 15s,
      "the server to close the connection once the rebooted host answered its next segment "
      "with RST",
      "after the host came back",
      "A host that rebooted has no record of the connection, so its kernel answers the server's "
      "next segment (data or a zero-window probe) with RST. The server's next send() fails with "
      "ECONNRESET or EPIPE, or epoll reports EPOLLERR | EPOLLHUP: close that socket.");
  context.require_healthy_client_served(0, "from the rebooted host (same address, new connection)");
  auto segments = context.captured_segments();
  int resets = count_resets(segments, client, context.server_tcp_endpoint(), back_since);
  int zero_windows = count_zero_windows(segments, client, context.server_tcp_endpoint());
  context.observe("the client advertised a zero window " + std::to_string(zero_windows) +
                  " times before its host went down; after the reboot its kernel answered the "
                  "server with " + std::to_string(resets) + " RST");
}

}  // namespace socklab::harness
