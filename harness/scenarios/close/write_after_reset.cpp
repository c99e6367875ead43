// write-after-reset: clients send 768 KiB, half-close, read 16 KiB and reset (RST) while the
// server still owes them most of the echo. The server's next send() to each fails with EPIPE
// or ECONNRESET; without MSG_NOSIGNAL it would also raise SIGPIPE, whose default action kills
// the process. Either error must end that connection only: a new client is served after.
#include <thread>

#include "harness/engine/process_checks.hpp"
#include "harness/engine/scenario_context.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {

SOCKLAB_SCENARIO(
    close_write_after_reset,
    {.group = "close",
     .name = "write-after-reset",
     .purpose = "3 clients reset while owed data: EPIPE ends each, the server serves on",
     .server_arguments = {"--proto", "echo", "--close-mode", "graceful"},
     .varying_facts = {
         {"client sends", "*, then RST",
          "a resetting client resets after its FIN or, when it has not sent "
          "everything yet, instead of it"},
         {"server sends", "* bytes, until the client's RST",
          "how much echo the server sent before the RST is timing"},
         {"first to close", "client *", "the client closes first, with FIN or RST"},
     }}) {
  const int baseline = context.server_open_descriptors();
  std::vector<EchoFlow> resetting;
  for (int i = 0; i < 3; ++i) {
    // A 16 KiB receive window keeps the server's socket buffer small: most of the echo is
    // still in the server's memory when the RST arrives, so its next send() meets it. Reading
    // (and so the RST) starts only after 500 ms, when the server has surely read everything
    // and our FIN: its socket is in CLOSE_WAIT, where Linux turns a RST into EPIPE for the next
    // send(), and SIGPIPE without MSG_NOSIGNAL. A RST that overtakes the server's reads would
    // instead fail a read() (with EPIPE or ECONNRESET), and nothing would be sent after it.
    resetting.emplace_back("resetting client " + std::to_string(i),
                           context.random_bytes(768 << 10));
    resetting.back()
        .chunk_sizes(16 << 10, 64 << 10)
        .receive_buffer(16 << 10)
        .half_close_when_sent()
        .start_reading_after(500ms)
        .read_pace(16 << 10, 10s)
        .reset_after_echo(16 << 10);
  }
  DriveEnd end = context.drive(resetting, {.deadline = 20s, .stall = 3s});
  context.require_complete(resetting, end, "each client to send 768 KiB and read 16 KiB",
                           "The server stopped reading from these clients before they could "
                           "send their data.");
  std::this_thread::sleep_for(200ms);  // the server's next writes meet the RSTs
  context.require_server_alive("write-after-reset, after 3 clients reset while owed data");
  context.require_descriptors_at_most(baseline + kDescriptorTolerance, 3s,
                                      "the server to close the 3 connections whose clients reset",
                                      "after the RSTs");
  context.require_healthy_client_served(0, "after 3 clients reset while owed data");
}

}  // namespace socklab::harness
