// Echo integrity: every byte a client sends comes back intact and in order, however the client
// splits its writes. TCP delivers a byte stream, not the writes the client made, so a server
// that assumes one read per write, or loses a partial send, corrupts the stream somewhere.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

class EchoIntegrity : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }
};

TEST_P(EchoIntegrity, EchoesSixteenMebibytesIntactWithRandomWriteAndReadSizes) {
  // A 64 KiB high-water mark makes the server pause and resume reading hundreds of times during
  // the transfer, so the echo also has to survive backpressure.
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"});
  const std::string data = random_bytes(16 * 1024 * 1024, /*seed=*/20240601);
  // Write sizes spread evenly over the powers of two from 1 byte to 128 KiB: a third of the
  // writes are under 64 bytes (many tiny segments), and the largest overrun the socket buffer.
  // Read sizes are drawn the same way up to 64 KiB, so the echo is taken in pieces unrelated to
  // the writes. The seeds are fixed, so every run makes the same calls (how the kernel splits
  // and merges the bytes in between still varies).
  std::mt19937 write_generator(7);
  std::mt19937 read_generator(8);
  std::uniform_real_distribution<double> write_exponent(0.0, 17.0);
  std::uniform_real_distribution<double> read_exponent(0.0, 16.0);
  EchoOptions options;
  options.next_write_size = [&] {
    return static_cast<std::size_t>(std::exp2(write_exponent(write_generator)));
  };
  options.next_read_size = [&] {
    return static_cast<std::size_t>(std::exp2(read_exponent(read_generator)));
  };
  Fd client = connect_client(server.port());

  // 16 MiB crosses loopback in well under a second; 60 s leaves room for a sanitizer build on
  // a busy 2-core machine, and only a server that stops echoing gets near it.
  std::string received = echo_concurrently(client.get(), data, deadline_after(60s), options);

  EXPECT_TRUE(received == data) << first_difference(data, received);
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(EchoIntegrity, EchoesIntactWhenTheClientStartsReadingLate) {
  ServerProcess server(server_program(), {"--port", "0"});
  Fd client = connect_client(server.port());
  // 8 MiB before reading a byte: the server fills its socket buffer, so its last sends before it
  // stops are partial, and what it still holds must come out in order once this client reads.
  // A server that drops the unsent rest of a partial send, or sends it twice, fails here.
  const std::string data = random_bytes(8 * 1024 * 1024, /*seed=*/12);
  EchoOptions options;
  options.already_sent = send_without_reading(client.get(), data, 500ms);
  wait_until_server_reads_all_or_stops(client.get(), 500ms, deadline_after(10s));
  std::string received = echo_concurrently(client.get(), data, deadline_after(60s), options);
  EXPECT_TRUE(received == data) << first_difference(data, received);
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(EchoIntegrity, EchoesEachMessageBeforeTheNextIsSent) {
  // Request and reply in lock step: a server that waits for more input before echoing (to fill
  // a buffer, say) never answers, because this client sends nothing more until it has the echo.
  ServerProcess server(server_program(), {"--port", "0"});
  Fd client = connect_client(server.port());
  for (int round = 0; round < 200; ++round) {
    std::string message = "message " + std::to_string(round) + "\n";
    send_all(client.get(), message, deadline_after(10s));
    ASSERT_EQ(read_exactly(client.get(), message.size(), deadline_after(10s)), message)
        << "in round " << round;
  }
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, EchoIntegrity, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
