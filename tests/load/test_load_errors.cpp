// The mistakes a user makes with `socklab load` end it at once with exit status 2 and a sentence
// that says what was expected and what happened, in TCP terms.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <string>

#include "net/socket.hpp"
#include "tests/load/load_run_output.hpp"

namespace socklab::test {
namespace {

using socklab::testing::LoadRun;
using socklab::testing::run_socklab_load;

bool says(const LoadRun& run, const std::string& text) {
  return run.output.find(text) != std::string::npos;
}

TEST(LoadErrors, PortNobodyListensOnIsConnectionRefusedWithExitTwo) {
  // Bound but not listening: the port is ours for the test, and a SYN to it gets RST.
  Fd reserved(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  ASSERT_TRUE(reserved.valid());
  sockaddr_in address = ipv4_address("127.0.0.1", 0);
  ASSERT_EQ(::bind(reserved.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string port = std::to_string(ntohs(local_address(reserved.get()).sin_port));
  LoadRun run = run_socklab_load("--port " + port + " -c 2 --duration 1");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_TRUE(says(run, "nothing listens on 127.0.0.1:" + port +
                            ": the kernel answered our SYN with RST (connection refused)"))
      << run.output;
}

TEST(LoadErrors, RemoteHostIsRefusedWithExitTwo) {
  LoadRun run = run_socklab_load("--host 192.0.2.1 --port 6379 --duration 1");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_TRUE(says(run, "--host must be a loopback address")) << run.output;
}

TEST(LoadErrors, HostNameOtherThanLocalhostIsRefusedWithoutResolvingIt) {
  LoadRun run = run_socklab_load("--host example.com --port 6379 --duration 1");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_TRUE(says(run, "got 'example.com'")) << run.output;
}

TEST(LoadErrors, TooManyConnectionsForTheDescriptorLimitSaysHowManyAreAllowed) {
  // `ulimit -n` in the shell sets the soft and the hard limit: socklab cannot raise it again.
  LoadRun run = run_socklab_load("--port 6379 --idle 1000 -c 10", "ulimit -n 256; ");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_TRUE(says(run, "but this process may open only 256")) << run.output;
}

TEST(LoadErrors, BadFlagValueIsAUsageErrorWithExitTwo) {
  LoadRun run = run_socklab_load("--port 6379 -P 0");
  EXPECT_EQ(run.exit_status, 2) << run.output;
}

TEST(LoadErrors, DurationAndCountTogetherAreAUsageError) {
  LoadRun run = run_socklab_load("--port 6379 --duration 1 -n 10");
  EXPECT_EQ(run.exit_status, 2) << run.output;
}

}  // namespace
}  // namespace socklab::test
