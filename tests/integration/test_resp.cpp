// RESP: the Redis protocol subset that lets redis-cli and redis-benchmark drive any server.
// Requests come inline ("PING\r\n") or as multibulk arrays ("*1\r\n$4\r\nPING\r\n"), may be
// pipelined many to a write or split over many writes, and are answered in order.
#include <gtest/gtest.h>

#include "net/socket.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

// Every reply here is a few bytes on loopback; 10 s only matters for a server that never answers.
constexpr auto kReplyTimeout = 10s;

class Resp : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }

  // Sends `request` in one write and reads a reply of exactly `expected_reply`'s length.
  static std::string ask(int fd, std::string_view request, std::string_view expected_reply) {
    send_all(fd, request, deadline_after(kReplyTimeout));
    return read_exactly(fd, expected_reply.size(), deadline_after(kReplyTimeout));
  }
};

TEST_P(Resp, AnswersInlinePingWithPong) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  EXPECT_EQ(ask(client.get(), "PING\r\n", "+PONG\r\n"), "+PONG\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, AnswersMultibulkPingWithPong) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  EXPECT_EQ(ask(client.get(), "*1\r\n$4\r\nPING\r\n", "+PONG\r\n"), "+PONG\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, EchoesAnInlineArgumentAsABulkString) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  EXPECT_EQ(ask(client.get(), "ECHO hello\r\n", "$5\r\nhello\r\n"), "$5\r\nhello\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, EchoesAMultibulkArgumentHoldingCrlfAsABulkString) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  // A bulk string is length-prefixed, so "\r\n" inside it is payload, not a line end.
  EXPECT_EQ(ask(client.get(), "*2\r\n$4\r\nECHO\r\n$7\r\nab\r\ncd!\r\n", "$7\r\nab\r\ncd!\r\n"),
            "$7\r\nab\r\ncd!\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, AnswersPipelinedRequestsInOneWriteInOrder) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  send_all(client.get(),
           "PING\r\n"
           "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n"
           "NOSUCHCOMMAND\r\n"
           "ECHO x\r\n"
           "*1\r\n$4\r\nPING\r\n",
           deadline_after(kReplyTimeout));
  const Deadline deadline = deadline_after(kReplyTimeout);
  EXPECT_EQ(read_exactly(client.get(), 7, deadline), "+PONG\r\n");
  EXPECT_EQ(read_exactly(client.get(), 9, deadline), "$3\r\nabc\r\n");
  EXPECT_EQ(read_line(client.get(), deadline).rfind("-ERR", 0), 0u);
  EXPECT_EQ(read_exactly(client.get(), 7, deadline), "$1\r\nx\r\n");
  EXPECT_EQ(read_exactly(client.get(), 7, deadline), "+PONG\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, AnswersAThousandPipelinedRequestsInOrder) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  // About 13 KiB of requests and 11 KiB of replies: small enough to be sent whole before any
  // reply is read, large enough to arrive in several reads and leave requests split across them.
  std::string requests;
  std::string replies;
  for (int i = 0; i < 1000; ++i) {
    std::string n = std::to_string(i);
    requests += "ECHO " + n + "\r\n";
    replies += "$" + std::to_string(n.size()) + "\r\n" + n + "\r\n";
  }
  EXPECT_EQ(ask(client.get(), requests, replies), replies);
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, AnswersARequestSentOneByteAtATime) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  // TCP_NODELAY sends each byte in its own segment at once, so the server gets the request in
  // pieces and must keep each partial one until the rest arrives.
  set_nodelay(client.get());
  const std::string request = "*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n";
  for (char byte : request) {
    send_all(client.get(), std::string(1, byte), deadline_after(kReplyTimeout));
  }
  EXPECT_EQ(read_exactly(client.get(), 11, deadline_after(kReplyTimeout)), "$5\r\nhello\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, RepliesWithAnErrorToAnUnknownCommandAndStaysOpen) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  send_all(client.get(), "FLUSHALL\r\n", deadline_after(kReplyTimeout));
  std::string reply = read_line(client.get(), deadline_after(kReplyTimeout));
  EXPECT_EQ(reply.rfind("-ERR", 0), 0u) << reply;
  // An unknown command is the client's mistake, not a broken stream: Redis keeps serving.
  EXPECT_EQ(ask(client.get(), "PING\r\n", "+PONG\r\n"), "+PONG\r\n");
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

TEST_P(Resp, AnswersQuitWithOkThenCloses) {
  ServerProcess server(server_program(), {"--port", "0", "--proto", "resp"});
  Fd client = connect_client(server.port());
  EXPECT_EQ(ask(client.get(), "QUIT\r\n", "+OK\r\n"), "+OK\r\n");
  StreamEnd end = read_until_end(client.get(), deadline_after(kReplyTimeout));
  EXPECT_TRUE(end.is_end_of_stream() && end.bytes.empty()) << end.describe();
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, Resp, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
