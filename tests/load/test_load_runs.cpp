// Whole `socklab load` runs against ref-epoll-et on 127.0.0.1: each kind of run completes with
// replies and no errors, keeps to its limits (-n, --rate), and reports the failures it sees.
#include <gtest/gtest.h>

#include <string>

#include "tests/load/load_run_output.hpp"
#include "tests/support/server_process.hpp"

namespace socklab::test {
namespace {

using socklab::testing::LoadRun;
using socklab::testing::run_socklab_load;

std::string epoll_server() { return reference_server_path(SOCKLAB_BIN_DIR, "epoll-et"); }

std::string port_of(ServerProcess& server) { return std::to_string(server.port()); }

TEST(LoadRuns, EchoRunWithPipeliningCompletesWithoutErrors) {
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run = run_socklab_load("--port " + port_of(server) + " -c 4 -P 4 --duration 1 --csv");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_GT(run.number("requests"), 0u) << run.output;
  EXPECT_EQ(run.csv["errors"], "0") << run.output;
  EXPECT_EQ(run.csv["depth"], "4");
  EXPECT_EQ(run.csv["size"], "16");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, RespPingRunCompletesWithoutErrors) {
  ServerProcess server(epoll_server(), {"--port", "0", "--proto", "resp"});
  LoadRun run = run_socklab_load("--host localhost --port " + port_of(server) +
                                 " --proto resp -c 4 -P 4 --duration 1 --csv");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_GT(run.number("requests"), 0u) << run.output;
  EXPECT_EQ(run.csv["errors"], "0") << run.output;
  EXPECT_EQ(run.csv["proto"], "resp");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, IdleConnectionsStayOpenThroughTheRun) {
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run = run_socklab_load("--port " + port_of(server) + " -c 4 -P 4 --idle 20 --duration 1");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("20 held open for the whole run, 0 of them closed"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("errors:     0"), std::string::npos) << run.output;
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, IdleConnectionsAreOpenedBeforeTheActiveOnes) {
  // The server serves 10 connections at once and closes any more at once: with 10 idle ones
  // opened first, both active connections are the ones it turns away.
  ServerProcess server(epoll_server(), {"--port", "0", "--max-conns", "10"});
  LoadRun run =
      run_socklab_load("--port " + port_of(server) + " -c 2 --idle 10 --duration 1 --csv");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_EQ(run.csv["requests"], "0") << run.output;
  EXPECT_EQ(run.csv["errors"], "2") << run.output;
  // Closed before or after our request arrived: FIN, or RST for a request it never read.
  EXPECT_TRUE(run.output.find("closed by the server") != std::string::npos ||
              run.output.find("reset") != std::string::npos)
      << run.output;
}

TEST(LoadRuns, PacedRunKeepsNearItsRate) {
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run =
      run_socklab_load("--port " + port_of(server) + " -c 4 -P 4 --rate 2000 --duration 1 --csv");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_EQ(run.csv["errors"], "0") << run.output;
  // About 2000 in 1 s; unpaced, the same run does tens of thousands. The lower bound leaves
  // room for a loaded machine that wakes the workers late (they then catch up in bursts).
  EXPECT_GE(run.number("requests"), 1000u) << run.output;
  EXPECT_LE(run.number("requests"), 2200u) << run.output;
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, CountStopsAfterExactlyThatManyReplies) {
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run = run_socklab_load("--port " + port_of(server) + " -c 4 -P 4 -n 1000 --csv");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_EQ(run.csv["requests"], "1000") << run.output;
  EXPECT_EQ(run.csv["errors"], "0") << run.output;
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, PacedCountEndsWhenItsLastReplyIsIn) {
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run = run_socklab_load("--port " + port_of(server) + " -c 3 --rate 1000 -n 200 --csv");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_EQ(run.csv["requests"], "200") << run.output;
  // 200 requests at 1000/s take 0.2 s; a worker that waited for more would take 10 s or more.
  EXPECT_LT(std::stod(run.csv["seconds"]), 2.0) << run.output;
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST(LoadRuns, WrongRepliesAreProtocolErrorsThatSayWhatCame) {
  // An echo server sends "mn\r\n" back where memcached would answer "MN\r\n".
  ServerProcess server(epoll_server(), {"--port", "0"});
  LoadRun run =
      run_socklab_load("--port " + port_of(server) + " --proto memcache -c 2 --duration 1");
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_NE(run.output.find("2 protocol error: expected \"MN\\r\\n\", got \"mn\\r\\n\""),
            std::string::npos)
      << run.output;
}

}  // namespace
}  // namespace socklab::test
