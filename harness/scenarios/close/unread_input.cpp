// unread-input: the classic close bug. A RESP client sends QUIT and, in the same write, 256 KiB
// of further commands, then its FIN. A server that answers QUIT and close()s at once closes with
// those bytes unread in its receive buffer (or still arriving), and Linux then sends RST, not
// FIN (RFC 2525, 2.17). A graceful server replies +OK, sends its FIN, reads and discards
// everything up to the client's FIN, and only then closes.
#include "harness/scenarios/close/scripted_client.hpp"
#include "net/errno_text.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_unread_input,
    {.group = "close",
     .name = "unread-input",
     .purpose = "resp: QUIT with 256 KiB more behind it: +OK, the server's FIN, no RST",
     .server_arguments = {"--proto", "resp", "--close-mode", "graceful"}}) {
  std::string pipelined;
  while (pipelined.size() < (256u << 10)) pipelined += "PING\r\n";
  const std::size_t after_quit = pipelined.size();
  ScriptedClient client(context.connect_client());
  // Every send is checked below, through what the client and the wire saw: a server that
  // closes early makes these fail with EPIPE or ECONNRESET.
  int send_error = client.send_all("QUIT\r\n" + pipelined, 10s);
  if (send_error == 0) send_error = client.shutdown_write();
  ReadOutcome read = client.read_to_end(5s);
  const std::string expected = "'+OK\\r\\n', then the server's FIN and no RST, although " +
                               std::to_string(after_quit) + " bytes of commands followed QUIT";
  const std::string rst_meaning =
      "The server closed its socket while the client's bytes after QUIT were unread in its "
      "receive buffer or still arriving. Linux then sends RST instead of FIN, because the "
      "peer's data was never read; the client's next read or write fails with ECONNRESET, and "
      "a reply it had not read yet may be lost. After replying, shutdown(SHUT_WR), read and "
      "discard until EOF, then close().";
  if (auto connection = connection_after_server_close(context, client.local_endpoint(), 2s)) {
    Closing server = closing_of(*connection, Side::server);
    if (server.rst) {
      fail({expected,
            "the server sent RST after " + std::to_string(server.data_bytes_before) +
                " bytes of data, having acknowledged " +
                std::to_string(bytes_acknowledged(*connection, Side::client)) + " of the " +
                std::to_string(after_quit + 6) + " bytes the client sent",
            rst_meaning});
    }
  }
  if (send_error != 0 || read.bytes != "+OK\r\n" || !read.end_of_stream) {
    std::string happened = "the client read " + read.describe();
    if (send_error != 0) happened += "; its send failed with " + errno_text(send_error);
    fail({expected, happened,
          read.error_number == ECONNRESET || send_error == EPIPE || send_error == ECONNRESET
              ? rst_meaning
              : "A RESP server answers QUIT with +OK and ends the connection; commands "
                "pipelined after QUIT are not answered."});
  }
}

}  // namespace socklab::harness
