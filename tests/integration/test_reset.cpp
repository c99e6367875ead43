// Reset: a client that aborts its connection (RST) ends that connection only. The server's next
// read reports ECONNRESET, or its next send EPIPE (a server that sends without MSG_NOSIGNAL
// gets SIGPIPE and dies); either way it closes that socket and serves everyone else.
#include <gtest/gtest.h>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

class Reset : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }

  // A fresh client echoes correctly: the server is still serving.
  static void expect_echo_works(std::uint16_t port) {
    Fd client = connect_client(port);
    const std::string data = random_bytes(64 * 1024, /*seed=*/3);
    std::string received = echo_concurrently(client.get(), data, deadline_after(10s));
    EXPECT_TRUE(received == data) << first_difference(data, received);
  }
};

TEST_P(Reset, KeepsServingOthersAfterClientsResetMidStream) {
  ServerProcess server(server_program(), {"--port", "0"});
  const std::size_t descriptors_before = server.open_fd_count();
  // Ten times, because where the RST finds the server (in a read, in a send, between the two)
  // varies from run to run.
  for (int round = 0; round < 10; ++round) {
    Fd client = connect_client(server.port());
    send_all(client.get(), random_bytes(64 * 1024, /*seed=*/4), deadline_after(10s));
    // The first bytes of the echo prove the server is mid-stream: it has read our data and
    // still owes us most of it.
    read_exactly(client.get(), 1024, deadline_after(10s));
    send_all(client.get(), random_bytes(32 * 1024, /*seed=*/5), deadline_after(10s));
    reset_connection(client);  // data in flight both ways

    // The server has dealt with the RST once it has closed that socket. No event reports
    // another process's close, so /proc/PID/fd is read until the count is back; 10 s is far
    // more than noticing one RST takes.
    bool closed = wait_until([&] { return server.open_fd_count() == descriptors_before; },
                             deadline_after(10s));
    ASSERT_TRUE(closed) << "round " << round << ": the server still holds "
                        << server.open_fd_count() << " descriptors (" << descriptors_before
                        << " before the client came)\n"
                        << server.stderr_log();
    ASSERT_TRUE(server.alive()) << server.stderr_log();
  }
  expect_echo_works(server.port());
  EXPECT_TRUE(server.alive());
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Reset, SurvivesAClientThatHalfClosesThenResetsWhileOwedData) {
  // The SIGPIPE trap. The server takes in 16 MiB and the FIN (the high-water mark is far above
  // that) and owes most of the echo. The RST then reaches a socket in CLOSE_WAIT, where Linux
  // makes the next send fail with EPIPE: without MSG_NOSIGNAL, that send kills the server.
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "67108864"});
  const std::size_t descriptors_before = server.open_fd_count();
  Fd client = connect_client(server.port());
  send_without_reading(client.get(), random_bytes(16 * 1024 * 1024, /*seed=*/11), 500ms);
  shutdown_write(client.get());
  wait_until_server_reads_all_or_stops(client.get(), 500ms, deadline_after(10s));
  reset_connection(client);

  bool closed =
      wait_until([&] { return !server.alive() || server.open_fd_count() == descriptors_before; },
                 deadline_after(10s));
  ASSERT_TRUE(server.alive()) << "the server " << server.stop() << "\n" << server.stderr_log();
  EXPECT_TRUE(closed) << "the server still holds the reset connection's socket";
  expect_echo_works(server.port());
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Reset, KeepsServingAfterAClientResetsBeforeSendingAnything) {
  ServerProcess server(server_program(), {"--port", "0"});
  // The RST may reach the connection while it still waits in the accept queue, so accept()
  // itself, or the first read, reports the reset.
  for (int round = 0; round < 10; ++round) {
    Fd client = connect_client(server.port());
    reset_connection(client);
  }
  // The next client waits in the accept queue behind the reset ones, so its echo also shows
  // that the server got past every one of them.
  expect_echo_works(server.port());
  EXPECT_TRUE(server.alive());
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, Reset, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
