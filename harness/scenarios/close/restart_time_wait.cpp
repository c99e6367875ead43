// restart-time-wait: the server closes first (QUIT), so that connection's TIME_WAIT is on the
// server's host, holding the server's port for 60 s (2 MSL on Linux). The server is then stopped
// with SIGTERM and started again at once on the same port, as an operator restarting it does:
// it must bind. Linux lets bind() reuse a port held only by TIME_WAIT connections when the new
// socket and the connection's socket both had SO_REUSEADDR (measured on this kernel: either one
// without it gives EADDRINUSE), so a server sets it on its listener, whose accepted sockets
// inherit it.
#include <thread>

#include "harness/scenarios/close/scripted_client.hpp"
#include "net/errno_text.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_restart_time_wait,
    {.group = "close",
     .name = "restart-time-wait",
     .purpose = "the server closes first (TIME_WAIT on its side), restarts at once: must bind",
     .server_arguments = {"--proto", "resp", "--close-mode", "graceful"}}) {
  const std::uint16_t port = context.server_endpoint().port;
  {
    ScriptedClient client(context.connect_client());
    // graceful-quit checks this conversation itself; here it only puts a connection into
    // TIME_WAIT on the server's side: the server's FIN first, then ours.
    if (client.send_all("QUIT\r\n", 3s) == 0) client.read_to_end(3s);
  }
  int time_wait = 0;
  for (auto deadline = std::chrono::steady_clock::now() + 2s;
       std::chrono::steady_clock::now() < deadline; std::this_thread::sleep_for(20ms)) {
    if ((time_wait = context.server_port_time_wait_count()) > 0) break;
  }
  context.observe("TIME_WAIT connections on the server's port " + std::to_string(port) +
                  " when it was restarted: " + std::to_string(time_wait));
  Readiness ready = context.restart_server_on_same_port();
  if (!ready.ready) {
    bool in_use = ready.problem.find("EADDRINUSE") != std::string::npos ||
                  ready.problem.find("Address already in use") != std::string::npos;
    fail({"the server, stopped with SIGTERM and started again at once, to listen on port " +
              std::to_string(port) + " again",
          "it did not: " + ready.problem,
          in_use ? "bind() failed with EADDRINUSE: the connection the old server closed first is "
                   "in TIME_WAIT on this host for 60 s and still holds the port. Linux lets a new "
                   "listener bind over TIME_WAIT connections only when it and the closed "
                   "connection's socket both had SO_REUSEADDR: set it on the listening socket "
                   "before bind(), as every server does, and the restart works at once."
                 : "A restarted server must be able to listen on its port at once: clients "
                   "reconnect to the same address."});
  }
  ScriptedClient again(context.connect_client());
  ReadOutcome pong;
  if (again.send_all("PING\r\n", 3s) == 0) pong = again.read_exactly(7, 3s);
  if (pong.bytes != "+PONG\r\n") {
    fail({"the restarted server to answer PING with +PONG", "the client read " + pong.describe(),
          "The restarted server listens but does not serve its first client."});
  }
}

}  // namespace socklab::harness
