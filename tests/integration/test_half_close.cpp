// Half-close: a client's FIN means "I will send nothing more", not "stop talking to me". The
// server must still send every byte it owes, and only then close its own side, so the client
// reads the whole echo followed by EOF (not RST, which would mean data was thrown away).
#include <gtest/gtest.h>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

class HalfClose : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }
};

TEST_P(HalfClose, EchoesEverythingBeforeClosingAfterHalfClose) {
  ServerProcess server(server_program(), {"--port", "0"});
  Fd client = connect_client(server.port());
  // 32 KiB fits in the socket buffers of both directions on loopback, so the client can send it
  // all and its FIN before reading a single byte: the server then has the data and the FIN
  // together and must not let the FIN cut the echo short.
  const std::string data = random_bytes(32 * 1024, /*seed=*/1);
  send_all(client.get(), data, deadline_after(10s));
  shutdown_write(client.get());

  StreamEnd end = read_until_end(client.get(), deadline_after(10s));
  EXPECT_TRUE(end.is_end_of_stream()) << end.describe();
  EXPECT_TRUE(end.bytes == data) << first_difference(data, end.bytes);
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(HalfClose, SendsFourMebibytesStillOwedWhenTheClientHalfCloses) {
  // With a 64 KiB high-water mark most of the echo is still queued, in the server or in the
  // kernel, at the moment the FIN arrives.
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"});
  Fd client = connect_client(server.port());
  const std::string data = random_bytes(4 * 1024 * 1024, /*seed=*/2);
  EchoOptions options;
  options.half_close_when_sent = true;
  // 4 MiB takes well under a second; 30 s is for a sanitizer build on a busy machine.
  std::string received = echo_concurrently(client.get(), data, deadline_after(30s), options);
  EXPECT_TRUE(received == data) << first_difference(data, received);

  StreamEnd end = read_until_end(client.get(), deadline_after(10s));
  EXPECT_TRUE(end.is_end_of_stream() && end.bytes.empty()) << end.describe();
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(HalfClose, KeepsWhatItOwesWhenTheFinArrivesBeforeTheClientReads) {
  // A high-water mark far above the data lets the server take in all 16 MiB and the FIN while
  // this client reads nothing. Its kernel's send buffer takes at most 4 MiB of the echo (the
  // default tcp_wmem maximum), so the server still holds the rest when it reads the FIN. It must
  // keep it until the client reads; a server that closes at FIN without draining loses it.
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "67108864"});
  Fd client = connect_client(server.port());
  const std::string data = random_bytes(16 * 1024 * 1024, /*seed=*/10);
  const std::size_t sent = send_without_reading(client.get(), data, 500ms);
  EchoOptions options;
  options.already_sent = sent;
  if (sent == data.size()) {
    shutdown_write(client.get());
    // The blocking server reads no further while it waits to send, so it may never see the FIN
    // before this client reads; then the wait ends after 500 ms without change.
    wait_until_server_reads_all_or_stops(client.get(), 500ms, deadline_after(10s));
  } else {
    // Kernel buffers smaller than this machine's stopped the writes: send the rest (and the
    // FIN) while reading. The test then checks less, but still checks the echo and the EOF.
    options.half_close_when_sent = true;
  }
  std::string received = echo_concurrently(client.get(), data, deadline_after(30s), options);
  EXPECT_TRUE(received == data) << first_difference(data, received);

  StreamEnd end = read_until_end(client.get(), deadline_after(10s));
  EXPECT_TRUE(end.is_end_of_stream() && end.bytes.empty()) << end.describe();
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(HalfClose, ClosesAtOnceWhenTheClientHalfClosesWithoutSendingAnything) {
  ServerProcess server(server_program(), {"--port", "0"});
  Fd client = connect_client(server.port());
  shutdown_write(client.get());
  // The server owes nothing, so its FIN should follow ours within milliseconds.
  StreamEnd end = read_until_end(client.get(), deadline_after(10s));
  EXPECT_TRUE(end.is_end_of_stream() && end.bytes.empty()) << end.describe();
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, HalfClose, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
