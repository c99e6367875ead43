// Each load codec sends its protocol's request and recognises exactly one correct reply at the
// front of a byte stream, however TCP splits it, and names the first byte of a wrong one.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "harness/load/load_codec.hpp"

namespace socklab::load {
namespace {

std::vector<LoadCodec> every_codec() {
  return {LoadCodec::echo(16), LoadCodec::echo(1), LoadCodec::resp_ping(),
          LoadCodec::memcache_noop()};
}

TEST(LoadCodec, EchoSendsSizeBytesAndExpectsThemBack) {
  LoadCodec codec = LoadCodec::echo(100);
  EXPECT_EQ(codec.request().size(), 100u);
  EXPECT_EQ(codec.expected_response(), codec.request());
}

TEST(LoadCodec, RespSendsMultibulkPingAndExpectsPong) {
  LoadCodec codec = LoadCodec::resp_ping();
  EXPECT_EQ(codec.request(), "*1\r\n$4\r\nPING\r\n");
  EXPECT_EQ(codec.expected_response(), "+PONG\r\n");
}

TEST(LoadCodec, MemcacheSendsMetaNoopAndExpectsMN) {
  LoadCodec codec = LoadCodec::memcache_noop();
  EXPECT_EQ(codec.request(), "mn\r\n");
  EXPECT_EQ(codec.expected_response(), "MN\r\n");
}

TEST(LoadCodec, ProtocolNamesRoundTrip) {
  for (LoadProtocol protocol : {LoadProtocol::echo, LoadProtocol::resp, LoadProtocol::memcache}) {
    EXPECT_EQ(load_protocol_named(load_protocol_name(protocol)), protocol);
  }
  EXPECT_FALSE(load_protocol_named("http").has_value());
}

TEST(LoadCodec, RecognisesACompleteReplyFollowedByTheNext) {
  for (const LoadCodec& codec : every_codec()) {
    std::string stream = std::string(codec.expected_response()) +
                         std::string(codec.expected_response().substr(0, 1));
    ResponseMatch match = codec.match_response(stream);
    EXPECT_EQ(match.status, ResponseStatus::complete) << codec.request();
    EXPECT_EQ(match.length, codec.expected_response().size());
  }
}

TEST(LoadCodec, ReplySplitAtEveryByteIsIncompleteUntilItsLastByte) {
  for (const LoadCodec& codec : every_codec()) {
    const std::string_view reply = codec.expected_response();
    for (std::size_t received = 0; received < reply.size(); ++received) {
      EXPECT_EQ(codec.match_response(reply.substr(0, received)).status, ResponseStatus::incomplete)
          << "after " << received << " bytes of " << printable_bytes(reply);
    }
    EXPECT_EQ(codec.match_response(reply).status, ResponseStatus::complete);
  }
}

TEST(LoadCodec, WrongByteAnywhereIsAMismatchAtThatByteEvenBeforeTheReplyIsComplete) {
  for (const LoadCodec& codec : every_codec()) {
    const std::string reply(codec.expected_response());
    for (std::size_t wrong = 0; wrong < reply.size(); ++wrong) {
      std::string corrupted = reply;
      corrupted[wrong] = static_cast<char>(corrupted[wrong] ^ 0x20);
      // Only up to the wrong byte: a wrong reply is caught without waiting for the rest of it.
      ResponseMatch match = codec.match_response(std::string_view(corrupted).substr(0, wrong + 1));
      EXPECT_EQ(match.status, ResponseStatus::mismatch) << printable_bytes(corrupted);
      EXPECT_EQ(match.offset, wrong);
    }
  }
}

TEST(LoadCodec, RedisErrorReplyToPingIsAMismatch) {
  ResponseMatch match = LoadCodec::resp_ping().match_response("-ERR unknown command\r\n");
  EXPECT_EQ(match.status, ResponseStatus::mismatch);
  EXPECT_EQ(match.offset, 0u);
}

TEST(LoadCodec, EchoPatternDoesNotRepeatWithinARequest) {
  // A reply shifted by a few bytes must not look right: no short period in the pattern.
  const std::string request(LoadCodec::echo(64).request());
  for (std::size_t shift = 1; shift < 8; ++shift) {
    EXPECT_NE(request.substr(shift), request.substr(0, request.size() - shift)) << shift;
  }
}

TEST(LoadCodec, PrintableBytesEscapesLineEndsAndControlBytes) {
  EXPECT_EQ(printable_bytes("+PONG\r\n"), "+PONG\\r\\n");
  EXPECT_EQ(printable_bytes(std::string("a\0b", 3)), "a\\x00b");
  EXPECT_EQ(printable_bytes("abcdef", 3), "abc...");
}

}  // namespace
}  // namespace socklab::load
