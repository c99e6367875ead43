// Concurrency: a server serves many clients at once, and gives back every descriptor when they
// leave. A server that serves one client at a time answers only the first; one that forgets to
// close a socket keeps its descriptor until it runs out.
#include <gtest/gtest.h>

#include <vector>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

class Concurrency : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }
};

// Distinct and printable, so a reply sent to the wrong client shows in the failure message.
std::string message_for_client(int client) {
  std::string message;
  for (int i = 0; i < 40; ++i) message += "client " + std::to_string(client) + " ";
  return message + "\n";
}

TEST_P(Concurrency, EchoesTwoHundredClientsConnectedAtOnce) {
  constexpr int kClients = 200;
  ServerProcess server(server_program(), {"--port", "0"});
  // One deadline for the whole exchange: 200 small echoes take milliseconds; 30 s is for a
  // sanitizer build on a busy machine, and a server that serves one client at a time never makes
  // it at all, because the first client is never done.
  const Deadline deadline = deadline_after(30s);
  std::vector<Fd> clients;
  for (int i = 0; i < kClients; ++i) clients.push_back(connect_client(server.port()));

  // Every client sends before any client reads, and none closes: each echo has to come from a
  // server that holds all 200 connections open at the same time.
  for (int i = 0; i < kClients; ++i) send_all(clients[i].get(), message_for_client(i), deadline);
  for (int i = 0; i < kClients; ++i) {
    std::string expected = message_for_client(i);
    ASSERT_EQ(read_exactly(clients[i].get(), expected.size(), deadline), expected)
        << "client " << i;
  }
  for (int i = 0; i < kClients; ++i) {
    shutdown_write(clients[i].get());
    StreamEnd end = read_until_end(clients[i].get(), deadline);
    EXPECT_TRUE(end.is_end_of_stream() && end.bytes.empty())
        << "client " << i << ": " << end.describe();
  }
  EXPECT_TRUE(server.alive());
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Concurrency, ReleasesEveryDescriptorOnceItsClientsHaveLeft) {
  constexpr int kClients = 50;
  ServerProcess server(server_program(), {"--port", "0"});
  const std::size_t descriptors_before = server.open_fd_count();
  const Deadline deadline = deadline_after(30s);
  std::vector<Fd> clients;
  for (int i = 0; i < kClients; ++i) {
    clients.push_back(connect_client(server.port()));
    std::string message = message_for_client(i);
    send_all(clients.back().get(), message, deadline);
    ASSERT_EQ(read_exactly(clients.back().get(), message.size(), deadline), message);
  }
  // Every client has been echoed, so the server holds a socket for each of them now.
  EXPECT_GE(server.open_fd_count(), descriptors_before + kClients);

  // Half of them leave politely (FIN), the other half abortively (RST).
  for (int i = 0; i < kClients; ++i) {
    if (i % 2 == 0) {
      shutdown_write(clients[i].get());
    } else {
      reset_connection(clients[i]);
    }
  }
  // No event tells another process that a descriptor was closed: look at /proc/PID/fd until
  // the count is back. 10 s is far more than closing 50 sockets takes, even under ASan.
  bool released =
      wait_until([&] { return server.open_fd_count() == descriptors_before; }, deadline_after(10s));
  EXPECT_TRUE(released) << "the server holds " << server.open_fd_count()
                        << " descriptors after all clients left; it held " << descriptors_before
                        << " before they came";
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, Concurrency, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
