// Shutdown: SIGTERM or SIGINT stops a server cleanly, whatever its clients are doing: it stops
// accepting, closes every connection and exits with status 0. A server blocked in accept, recv
// or send has to be woken for that; one that only checks a flag between calls never exits.
#include <gtest/gtest.h>

#include <csignal>
#include <vector>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

// A server needs milliseconds to close a few sockets and exit; 5 s allows for a sanitizer
// build's exit-time checks on a busy machine and is still "promptly" to a person at a terminal.
constexpr auto kStopTimeout = 5s;

class Shutdown : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }

  // Clients in each state a stop can find one in: connected but silent, echoed and waiting,
  // and one that sent a lot without reading, so the server is blocked sending to it (or, with
  // an event loop, holds output it cannot send).
  static std::vector<Fd> connect_clients_in_every_state(std::uint16_t port) {
    std::vector<Fd> clients;
    for (int i = 0; i < 3; ++i) clients.push_back(connect_client(port));
    for (int i = 0; i < 3; ++i) {
      Fd client = connect_client(port);
      send_all(client.get(), "hello\n", deadline_after(10s));
      EXPECT_EQ(read_exactly(client.get(), 6, deadline_after(10s)), "hello\n");
      clients.push_back(std::move(client));
    }
    Fd flooding = connect_client(port);
    // Stops once the socket has stayed unwritable for 200 ms: the server has stopped reading
    // (or all 4 MiB are queued); either way it owes this client unsent output.
    send_without_reading(flooding.get(), random_bytes(4 * 1024 * 1024, /*seed=*/6), 200ms);
    clients.push_back(std::move(flooding));
    return clients;
  }
};

TEST_P(Shutdown, ExitsWithStatusZeroOnSigtermWhileClientsAreConnected) {
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"});
  std::vector<Fd> clients = connect_clients_in_every_state(server.port());
  EXPECT_EQ(server.stop(SIGTERM, kStopTimeout), ServerExit::exited(0)) << server.stderr_log();
  // The process is gone, so the kernel has closed every socket it held: each client sees its
  // connection end (EOF, or ECONNRESET where its unread data made the kernel send RST).
  for (Fd& client : clients) {
    StreamEnd end = read_until_end(client.get(), deadline_after(10s));
    EXPECT_TRUE(end.is_end_of_stream_or_reset()) << end.describe();
  }
}

TEST_P(Shutdown, ExitsWithStatusZeroOnSigintWhileClientsAreConnected) {
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"});
  std::vector<Fd> clients = connect_clients_in_every_state(server.port());
  EXPECT_EQ(server.stop(SIGINT, kStopTimeout), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, Shutdown, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
