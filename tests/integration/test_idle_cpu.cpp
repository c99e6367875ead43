// Idle CPU: a server whose clients are quiet sleeps in its wait (accept, recv, select, poll,
// epoll_wait) and uses no CPU. The classic way to get this wrong is to ask for writability on a
// socket with nothing to send: an idle socket is always writable, so the wait returns at once,
// for ever, and the server spins at 100% of a core while serving nobody.
#include <gtest/gtest.h>
#include <poll.h>

#include <vector>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

class IdleCpu : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }
};

TEST_P(IdleCpu, UsesNoCpuWhileItsClientsAreIdleOrNotReading) {
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"});
  // Quiet clients in both states a server must wait in: echoed and idle (nothing to send), and
  // not reading (output waiting for room the socket will not have).
  std::vector<Fd> idle;
  for (int i = 0; i < 3; ++i) {
    idle.push_back(connect_client(server.port()));
    send_all(idle.back().get(), "hello\n", deadline_after(10s));
    ASSERT_EQ(read_exactly(idle.back().get(), 6, deadline_after(10s)), "hello\n");
  }
  Fd not_reading = connect_client(server.port());
  send_without_reading(not_reading.get(), random_bytes(8 * 1024 * 1024, /*seed=*/13), 200ms);
  wait_until_server_reads_all_or_stops(not_reading.get(), 200ms, deadline_after(10s));

  // Watch for one second; nothing may arrive on an idle client meanwhile.
  const auto cpu_before = server.cpu_time();
  EXPECT_FALSE(wait_for(idle.front().get(), POLLIN, deadline_after(1s)));
  const auto cpu_used = server.cpu_time() - cpu_before;
  // A waiting server uses a few milliseconds at most (the kernel counts CPU in 10 ms ticks); a
  // spinning one uses the whole second, or half of it when it shares a core with the other test
  // that ctest -j2 runs. 200 ms is far from both.
  EXPECT_LT(cpu_used, 200ms) << "the server used " << cpu_used.count()
                             << " ms of CPU in one second while its clients were quiet";
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, IdleCpu, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
