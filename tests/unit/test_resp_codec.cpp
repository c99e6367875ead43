// The RESP codec answers PING, ECHO and QUIT as Redis does, the same way however TCP splits the
// requests, and refuses input it cannot frame with a protocol error and a close.
#include "net/resp_codec.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace socklab {
namespace {

struct Exchange {
  std::string reply;
  CodecVerdict verdict = CodecVerdict::keep_open;
  std::size_t unconsumed = 0;  // request bytes the codec left in its input
};

// Feeds the pieces one read at a time, as a server would, and stops after the codec asks to
// close: a server does not read from a connection it is closing.
Exchange feed(const std::vector<std::string>& pieces,
              std::size_t max_request_bytes = kDefaultMaxRequestBytes) {
  RespCodec codec(max_request_bytes);
  Buffer input;
  Buffer output;
  Exchange exchange;
  for (const std::string& piece : pieces) {
    input.append(piece);
    exchange.verdict = codec.consume(input, output);
    if (exchange.verdict == CodecVerdict::close_after_reply) break;
  }
  exchange.reply = std::string(output.readable());
  exchange.unconsumed = input.readable_bytes();
  return exchange;
}

Exchange send_request(const std::string& request) { return feed({request}); }

// Every two-piece split, then one byte per read: TCP may deliver the stream in any of these.
void expect_every_split_gives(const std::string& stream, const std::string& expected_reply) {
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    EXPECT_EQ(feed({stream.substr(0, split), stream.substr(split)}).reply, expected_reply)
        << "split at byte " << split;
  }
  std::vector<std::string> bytes;
  for (char byte : stream) bytes.emplace_back(1, byte);
  EXPECT_EQ(feed(bytes).reply, expected_reply) << "fed one byte at a time";
}

TEST(RespCodec, AnswersInlinePingWithPong) {
  Exchange exchange = send_request("PING\r\n");
  EXPECT_EQ(exchange.reply, "+PONG\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::keep_open);
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, AcceptsAnInlineRequestEndedByABareNewline) {
  EXPECT_EQ(send_request("PING\n").reply, "+PONG\r\n");
}

TEST(RespCodec, AnswersMultibulkPingWithPong) {
  Exchange exchange = send_request("*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(exchange.reply, "+PONG\r\n");
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, AnswersPingWithAnArgumentWithThatArgumentAsABulkString) {
  EXPECT_EQ(send_request("PING hello\r\n").reply, "$5\r\nhello\r\n");
}

TEST(RespCodec, EchoesTheArgumentAsABulkString) {
  EXPECT_EQ(send_request("*2\r\n$4\r\nECHO\r\n$11\r\nhello world\r\n").reply,
            "$11\r\nhello world\r\n");
}

TEST(RespCodec, EchoesAnEmptyArgument) {
  EXPECT_EQ(send_request("*2\r\n$4\r\nECHO\r\n$0\r\n\r\n").reply, "$0\r\n\r\n");
}

TEST(RespCodec, EchoesAPayloadContainingCrlfByItsLength) {
  EXPECT_EQ(send_request("*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n").reply, "$4\r\na\r\nb\r\n");
}

TEST(RespCodec, SplitsInlineArgumentsOnSpacesAndTabs) {
  EXPECT_EQ(send_request("  ECHO \t hello  \r\n").reply, "$5\r\nhello\r\n");
}

TEST(RespCodec, AnswersQuitWithOkAndAsksToCloseAfterTheReply) {
  Exchange exchange = send_request("QUIT\r\n");
  EXPECT_EQ(exchange.reply, "+OK\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, DoesNotAnswerRequestsPipelinedAfterQuit) {
  Exchange exchange = send_request("QUIT\r\nPING\r\n*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(exchange.reply, "+OK\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, RejectsAnUnknownCommandNamingIt) {
  Exchange exchange = send_request("FLUSHALL\r\n");
  EXPECT_EQ(exchange.reply, "-ERR unknown command 'FLUSHALL'\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::keep_open);
}

TEST(RespCodec, KeepsServingAfterAnUnknownCommand) {
  EXPECT_EQ(send_request("GET key\r\nPING\r\n").reply, "-ERR unknown command 'GET'\r\n+PONG\r\n");
}

TEST(RespCodec, RejectsPingWithTwoArguments) {
  EXPECT_EQ(send_request("PING a b\r\n").reply,
            "-ERR wrong number of arguments for 'ping' command\r\n");
}

TEST(RespCodec, RejectsEchoWithoutAnArgument) {
  EXPECT_EQ(send_request("*1\r\n$4\r\nECHO\r\n").reply,
            "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(RespCodec, RejectsEchoWithTwoArguments) {
  EXPECT_EQ(send_request("ECHO a b\r\n").reply,
            "-ERR wrong number of arguments for 'echo' command\r\n");
}

TEST(RespCodec, MatchesCommandNamesIgnoringCase) {
  EXPECT_EQ(send_request("ping\r\n").reply, "+PONG\r\n");
  EXPECT_EQ(send_request("*1\r\n$4\r\npInG\r\n").reply, "+PONG\r\n");
  EXPECT_EQ(send_request("echo hi\r\n").reply, "$2\r\nhi\r\n");
  EXPECT_EQ(send_request("Quit\r\n").verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, AnswersPipelinedRequestsInOrder) {
  EXPECT_EQ(send_request("PING\r\n*2\r\n$4\r\nECHO\r\n$1\r\na\r\nPING b\r\nECHO c\r\n").reply,
            "+PONG\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n");
}

TEST(RespCodec, KeepsAPartialRequestUntilTheRestArrives) {
  const std::string first_part = "*2\r\n$4\r\nECHO\r\n$5\r\nhel";
  Exchange partial = send_request(first_part);
  EXPECT_EQ(partial.reply, "");
  EXPECT_EQ(partial.verdict, CodecVerdict::keep_open);
  EXPECT_EQ(partial.unconsumed, first_part.size());
  EXPECT_EQ(feed({first_part, "lo\r\n"}).reply, "$5\r\nhello\r\n");
}

TEST(RespCodec, GivesTheSameRepliesForEverySplitOfAMixedStream) {
  const std::string stream =
      "PING\r\n"
      "*1\r\n$4\r\nPING\r\n"
      "ping hi\r\n"
      "*2\r\n$4\r\nECHO\r\n$4\r\na\r\nb\r\n"
      "\r\n"
      "*0\r\n"
      "NOPE x\r\n"
      "*1\r\n$4\r\nQUIT\r\n"
      "PING\r\n";
  expect_every_split_gives(stream,
                           "+PONG\r\n+PONG\r\n$2\r\nhi\r\n$4\r\na\r\nb\r\n"
                           "-ERR unknown command 'NOPE'\r\n+OK\r\n");
}

TEST(RespCodec, GivesTheSameProtocolErrorForEverySplit) {
  expect_every_split_gives("ECHO x\r\n*1\r\nPING\r\nPING\r\n",
                           "$1\r\nx\r\n-ERR Protocol error: expected '$', got 'P'\r\n");
}

TEST(RespCodec, RefusesAnInlineRequestLongerThanTheLimit) {
  Exchange exchange = send_request(std::string(RespCodec::kMaxInlineBytes + 1, 'a'));
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: too big inline request\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, WaitsForTheNewlineOfAnInlineRequestAtTheLimit) {
  Exchange exchange = send_request(std::string(RespCodec::kMaxInlineBytes, 'a'));
  EXPECT_EQ(exchange.reply, "");
  EXPECT_EQ(exchange.verdict, CodecVerdict::keep_open);
}

// The line limit counts the bytes before the '\n', its '\r' included. A server that applied
// it only while waiting for the '\n' would refuse a long line that arrived in two reads and
// accept the same line read at once, which the Codec contract forbids.
TEST(RespCodec, RefusesAnInlineLineOverTheLimitHoweverItIsSplit) {
  const std::string line = "ECHO " + std::string(RespCodec::kMaxInlineBytes - 5, 'x') + "\r";
  const std::string refused = "-ERR Protocol error: too big inline request\r\n";
  EXPECT_EQ(feed({line + "\n"}).reply, refused) << "read at once";
  EXPECT_EQ(feed({line, "\n"}).reply, refused) << "the '\\n' read on its own";
}

TEST(RespCodec, AcceptsAnInlineLineAtTheLimitHoweverItIsSplit) {
  const std::string payload(RespCodec::kMaxInlineBytes - 6, 'x');
  const std::string line = "ECHO " + payload + "\r";
  const std::string reply = "$" + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
  EXPECT_EQ(feed({line + "\n"}).reply, reply) << "read at once";
  EXPECT_EQ(feed({line, "\n"}).reply, reply) << "the '\\n' read on its own";
}

TEST(RespCodec, RefusesAMultibulkCountLineOverTheLimitHoweverItIsSplit) {
  // Leading zeros make a long line that is still a valid number: only the limit refuses it.
  const std::string header = "*" + std::string(RespCodec::kMaxInlineBytes, '0') + "1";
  const std::string refused = "-ERR Protocol error: too big mbulk count string\r\n";
  EXPECT_EQ(feed({header + "\r\n$4\r\nPING\r\n"}).reply, refused) << "read at once";
  EXPECT_EQ(feed({header, "\r\n$4\r\nPING\r\n"}).reply, refused) << "the CRLF read apart";
}

TEST(RespCodec, RefusesABulkCountLineOverTheLimitHoweverItIsSplit) {
  const std::string length_line = "$" + std::string(RespCodec::kMaxInlineBytes, '0') + "4";
  const std::string refused = "-ERR Protocol error: too big bulk count string\r\n";
  EXPECT_EQ(feed({"*1\r\n" + length_line + "\r\nPING\r\n"}).reply, refused) << "read at once";
  EXPECT_EQ(feed({"*1\r\n" + length_line, "\r\nPING\r\n"}).reply, refused) << "the CRLF read apart";
}

TEST(RespCodec, GivesTheSameReplyForEverySplitOfARequestWithManyArguments) {
  // The parser keeps its place inside a request between reads; every split must resume there.
  expect_every_split_gives(
      "*4\r\n$4\r\nPING\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n"
      "PING \t a\t b  c\r\n*2\r\n$4\r\nECHO\r\n$3\r\nxyz\r\n",
      "-ERR wrong number of arguments for 'ping' command\r\n"
      "-ERR wrong number of arguments for 'ping' command\r\n"
      "$3\r\nxyz\r\n");
}

TEST(RespCodec, RefusesABulkLengthAboveTheRequestLimit) {
  Exchange exchange = feed({"*2\r\n$4\r\nECHO\r\n$1025\r\n"}, 1024);
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, RefusesARequestWhoseBulksTogetherExceedTheLimit) {
  // Each bulk is under the limit of 100 bytes; the request is not.
  const std::string fifty(50, 'x');
  Exchange exchange = feed({"*3\r\n$4\r\nECHO\r\n$50\r\n" + fifty + "\r\n$50\r\n"}, 100);
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: request larger than the server's limit\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, RefusesAMultibulkCountThatIsNotANumber) {
  Exchange exchange = send_request("*x\r\n");
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: invalid multibulk length\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, RefusesAMultibulkArgumentWithoutItsDollarSign) {
  Exchange exchange = send_request("*1\r\nPING\r\n");
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: expected '$', got 'P'\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, RefusesABulkStringNotEndedByCrlf) {
  Exchange exchange = send_request("*1\r\n$4\r\nPINGxx");
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: bulk string not terminated by CRLF\r\n");
  EXPECT_EQ(exchange.verdict, CodecVerdict::close_after_reply);
}

TEST(RespCodec, DiscardsEverythingAfterAProtocolError) {
  Exchange exchange = send_request("*x\r\nPING\r\n");
  EXPECT_EQ(exchange.reply, "-ERR Protocol error: invalid multibulk length\r\n");
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, KeepsTheReplyFramedWhenACommandNameContainsCrlf) {
  // The name "A\r\nB" is legal in a bulk string; copied raw into the error it would end the
  // error line early and the client would read "B'" as the start of another reply.
  EXPECT_EQ(send_request("*1\r\n$4\r\nA\r\nB\r\nPING\r\n").reply,
            "-ERR unknown command 'A??B'\r\n+PONG\r\n");
}

TEST(RespCodec, KeepsTheErrorShortForAHugeCommandName) {
  Exchange exchange = send_request(std::string(10000, 'z') + "\r\n");
  EXPECT_EQ(exchange.reply.rfind("-ERR unknown command 'zzz", 0), 0u) << exchange.reply;
  EXPECT_LT(exchange.reply.size(), 200u);
}

TEST(RespCodec, GivesNoReplyToAnEmptyLine) {
  Exchange exchange = send_request("\r\n");
  EXPECT_EQ(exchange.reply, "");
  EXPECT_EQ(exchange.verdict, CodecVerdict::keep_open);
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, GivesNoReplyToAnEmptyMultibulk) {
  Exchange exchange = send_request("*0\r\n");
  EXPECT_EQ(exchange.reply, "");
  EXPECT_EQ(exchange.verdict, CodecVerdict::keep_open);
  EXPECT_EQ(exchange.unconsumed, 0u);
}

TEST(RespCodec, IsWhatMakeCodecBuildsForTheRespProtocol) {
  std::unique_ptr<Codec> codec = make_codec(Protocol::resp);
  Buffer input;
  Buffer output;
  input.append("PING\r\n");
  codec->consume(input, output);
  EXPECT_EQ(output.readable(), "+PONG\r\n");
}

}  // namespace
}  // namespace socklab
