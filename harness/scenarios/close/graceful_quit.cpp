// graceful-quit: a RESP client sends PING and QUIT and then waits, its own side still open, for
// the replies and the server's FIN, as redis-cli does. The server must close first: reply, then
// shutdown(SHUT_WR) (its FIN), then read until the client's FIN, then close().
#include "harness/scenarios/close/scripted_client.hpp"
#include "net/errno_text.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_graceful_quit,
    {.group = "close",
     .name = "graceful-quit",
     .purpose = "resp, graceful: QUIT answered +OK, then the server's FIN first, no RST",
     .server_arguments = {"--proto", "resp", "--close-mode", "graceful"}}) {
  ScriptedClient client(context.connect_client());
  const std::string replies = "+PONG\r\n+OK\r\n";
  if (int error = client.send_all("PING\r\nQUIT\r\n", 5s); error != 0) {
    fail({"to send PING and QUIT", "send() failed: " + errno_text(error),
          "The server closed or reset the connection before it had read two short commands."});
  }
  // 3 s: the server answers in a millisecond; a server that waits for our FIN never answers.
  ReadOutcome read = client.read_to_end(3s);
  const std::string expected =
      "the replies '+PONG\\r\\n+OK\\r\\n' (12 bytes), then the server's FIN "
      "within 3 s, while the client keeps its own side open";
  if (read.timed_out && read.bytes == replies) {
    fail({expected, "the replies came, then no FIN for 3 s",
          "QUIT asks the server to end the connection, so the server must close first: "
          "shutdown(SHUT_WR) or close() sends its FIN. A server that waits for the client's FIN "
          "before sending its own, and a client that waits for the server's (redis-cli does), "
          "wait for each other forever."});
  }
  if (read.bytes != replies || !read.end_of_stream) {
    fail({expected, "the client read " + read.describe(),
          read.error_number == ECONNRESET
              ? "The server's kernel sent RST instead of FIN: it closed the socket with SO_LINGER "
                "{1, 0} (or with unread input). A RST makes the client's next read fail, and "
                "replies still in flight or unsent are lost."
              : "A RESP server answers each command in order and closes after QUIT's +OK."});
  }
  client.close();
  context.observe("the server closed first (FIN after +OK), so TIME_WAIT is on the server's side");
}

}  // namespace socklab::harness
