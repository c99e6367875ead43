// Every server takes the same flags, and a bad flag stops it with status 2 and a message that
// says what was expected, so the harness can drive any server the same way.
#include "net/server_cli.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <stdexcept>
#include <string>
#include <vector>

#include "net/errno_text.hpp"

namespace socklab {
namespace {

ServerOptions parse(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "server");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  return parse_server_options(static_cast<int>(arguments.size()), argv.data(), "a test server");
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, name, &value, &length) != 0) throw_errno("getsockopt", errno);
  return value;
}

Fd tcp_socket() {
  Fd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket_fd) throw_errno("socket", errno);
  return socket_fd;
}

TEST(ServerCli, DefaultsToEchoOnLoopbackWithAPortTheKernelPicks) {
  ServerOptions options = parse({});
  EXPECT_EQ(options.host, "127.0.0.1");
  EXPECT_EQ(options.port, 0);
  EXPECT_EQ(options.protocol, Protocol::echo);
  EXPECT_EQ(options.idle_timeout.count(), 0);
  EXPECT_FALSE(options.keepalive.has_value());
  EXPECT_EQ(options.max_connections, 10000u);
  EXPECT_EQ(options.high_water, 1024u * 1024u);
}

TEST(ServerCli, ParsesHost) { EXPECT_EQ(parse({"--host", "0.0.0.0"}).host, "0.0.0.0"); }

TEST(ServerCli, ParsesPort) { EXPECT_EQ(parse({"--port", "6379"}).port, 6379); }

TEST(ServerCli, ParsesProtocol) {
  EXPECT_EQ(parse({"--proto", "resp"}).protocol, Protocol::resp);
  EXPECT_EQ(parse({"--proto", "echo"}).protocol, Protocol::echo);
}

TEST(ServerCli, ParsesIdleTimeoutInMilliseconds) {
  EXPECT_EQ(parse({"--idle-timeout", "1500"}).idle_timeout.count(), 1500);
}

TEST(ServerCli, ParsesKeepaliveAsIdleIntervalAndCount) {
  ServerOptions options = parse({"--keepalive", "5,1,3"});
  ASSERT_TRUE(options.keepalive.has_value());
  EXPECT_EQ(options.keepalive->idle_seconds, 5);
  EXPECT_EQ(options.keepalive->interval_seconds, 1);
  EXPECT_EQ(options.keepalive->probe_count, 3);
}

TEST(ServerCli, ParsesMaxConns) { EXPECT_EQ(parse({"--max-conns", "10"}).max_connections, 10u); }

TEST(ServerCli, ParsesHighWater) { EXPECT_EQ(parse({"--high-water", "4096"}).high_water, 4096u); }

TEST(ServerCli, ParsesAllFlagsTogether) {
  ServerOptions options =
      parse({"--host", "127.0.0.2", "--port", "7000", "--proto", "resp", "--idle-timeout", "250",
             "--keepalive", "9,8,7", "--max-conns", "3", "--high-water", "100"});
  EXPECT_EQ(options.host, "127.0.0.2");
  EXPECT_EQ(options.port, 7000);
  EXPECT_EQ(options.protocol, Protocol::resp);
  EXPECT_EQ(options.idle_timeout.count(), 250);
  ASSERT_TRUE(options.keepalive.has_value());
  EXPECT_EQ(options.keepalive->probe_count, 7);
  EXPECT_EQ(options.max_connections, 3u);
  EXPECT_EQ(options.high_water, 100u);
}

// Death tests run the parse in a child process, because a bad flag ends the program.
TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAnUnknownFlag) {
  EXPECT_EXIT(parse({"--bogus"}), testing::ExitedWithCode(2), "--bogus");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAKeepaliveThatIsNotThreeNumbers) {
  EXPECT_EXIT(parse({"--keepalive", "5,1"}), testing::ExitedWithCode(2), "expected IDLE,INTVL,CNT");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAKeepaliveWithTrailingGarbage) {
  EXPECT_EXIT(parse({"--keepalive", "5,1,3x"}), testing::ExitedWithCode(2),
              "expected IDLE,INTVL,CNT");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAnEmptyKeepalive) {
  EXPECT_EXIT(parse({"--keepalive", ""}), testing::ExitedWithCode(2), "expected IDLE,INTVL,CNT");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAKeepaliveValueThatIsNotPositive) {
  EXPECT_EXIT(parse({"--keepalive", "0,1,3"}), testing::ExitedWithCode(2), "positive integers");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAnUnknownProtocol) {
  EXPECT_EXIT(parse({"--proto", "http"}), testing::ExitedWithCode(2), "echo");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAPortThatIsNotANumber) {
  EXPECT_EXIT(parse({"--port", "http"}), testing::ExitedWithCode(2), "--port");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAPortOutOfRange) {
  EXPECT_EXIT(parse({"--port", "70000"}), testing::ExitedWithCode(2), "--port");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnANegativeIdleTimeout) {
  EXPECT_EXIT(parse({"--idle-timeout", "-5"}), testing::ExitedWithCode(2), "--idle-timeout");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnAZeroHighWater) {
  EXPECT_EXIT(parse({"--high-water", "0"}), testing::ExitedWithCode(2), "--high-water");
}

TEST(ServerCliDeathTest, ExitsWithStatusZeroOnHelp) {
  EXPECT_EXIT(parse({"--help"}), testing::ExitedWithCode(0), "");
}

// A lab's own flag (the close lab's --close-mode), parsed beside the contract's flags.
ServerOptions parse_with_mode(std::vector<std::string> arguments, std::string& mode) {
  arguments.insert(arguments.begin(), "server");
  std::vector<char*> argv;
  for (std::string& argument : arguments) argv.push_back(argument.data());
  argv.push_back(nullptr);
  LabOption option{"--mode", "a lab's own flag", &mode, [](const std::string& value) {
                     return value == "a" || value == "b" ? std::string() : "expected a or b";
                   }};
  return parse_server_options(static_cast<int>(arguments.size()), argv.data(), "a test server",
                              {option});
}

TEST(ServerCli, ParsesALabOptionBesideTheContractFlags) {
  std::string mode = "a";
  ServerOptions options = parse_with_mode({"--port", "7000", "--mode", "b"}, mode);
  EXPECT_EQ(mode, "b");
  EXPECT_EQ(options.port, 7000);
}

TEST(ServerCli, LeavesALabOptionAtItsDefaultWhenNotGiven) {
  std::string mode = "a";
  parse_with_mode({}, mode);
  EXPECT_EQ(mode, "a");
}

TEST(ServerCliDeathTest, ExitsWithStatusTwoOnALabOptionItsCheckRefuses) {
  std::string mode = "a";
  EXPECT_EXIT(parse_with_mode({"--mode", "c"}, mode), testing::ExitedWithCode(2), "expected a or b");
}

TEST(ServerCli, ParseProtocolAcceptsEchoAndResp) {
  EXPECT_EQ(parse_protocol("echo"), Protocol::echo);
  EXPECT_EQ(parse_protocol("resp"), Protocol::resp);
}

TEST(ServerCli, ParseProtocolRejectsAnUnknownNameSayingWhatItExpected) {
  try {
    parse_protocol("http");
    FAIL() << "parse_protocol accepted 'http'";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("expected echo or resp"), std::string::npos)
        << error.what();
  }
}

TEST(ServerCli, ProtocolNameGivesTheFlagValue) {
  EXPECT_STREQ(protocol_name(Protocol::echo), "echo");
  EXPECT_STREQ(protocol_name(Protocol::resp), "resp");
}

TEST(ServerCli, AnnouncesTheListeningAddressOnOneLine) {
  Fd listener = listen_tcp("127.0.0.1", 0, false);
  std::string port = std::to_string(ntohs(local_address(listener.get()).sin_port));
  testing::internal::CaptureStdout();
  announce_listening(listener.get());
  EXPECT_EQ(testing::internal::GetCapturedStdout(), "listening on 127.0.0.1:" + port + "\n");
}

TEST(ServerCli, PrepareConnectionTurnsOnNodelayAndTheKeepaliveAsked) {
  Fd connection = tcp_socket();
  ServerOptions options = parse({"--keepalive", "5,1,3"});
  prepare_connection(connection.get(), options);
  EXPECT_NE(int_option(connection.get(), IPPROTO_TCP, TCP_NODELAY), 0);
  EXPECT_NE(int_option(connection.get(), SOL_SOCKET, SO_KEEPALIVE), 0);
  EXPECT_EQ(int_option(connection.get(), IPPROTO_TCP, TCP_KEEPIDLE), 5);
  EXPECT_EQ(int_option(connection.get(), IPPROTO_TCP, TCP_KEEPINTVL), 1);
  EXPECT_EQ(int_option(connection.get(), IPPROTO_TCP, TCP_KEEPCNT), 3);
}

TEST(ServerCli, PrepareConnectionLeavesKeepaliveOffUnlessAsked) {
  Fd connection = tcp_socket();
  prepare_connection(connection.get(), parse({}));
  EXPECT_NE(int_option(connection.get(), IPPROTO_TCP, TCP_NODELAY), 0);
  EXPECT_EQ(int_option(connection.get(), SOL_SOCKET, SO_KEEPALIVE), 0);
}

}  // namespace
}  // namespace socklab
