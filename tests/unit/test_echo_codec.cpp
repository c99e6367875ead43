// The echo codec sends back every byte it receives, in order, however the stream is split.
#include "net/echo_codec.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "net/codec.hpp"

namespace socklab {
namespace {

TEST(EchoCodec, EchoesEveryByteInOrder) {
  EchoCodec codec;
  Buffer input;
  Buffer output;
  input.append("hello");
  EXPECT_EQ(codec.consume(input, output), CodecVerdict::keep_open);
  EXPECT_EQ(output.readable(), "hello");
}

TEST(EchoCodec, ConsumesTheInputItEchoed) {
  EchoCodec codec;
  Buffer input;
  Buffer output;
  input.append("hello");
  codec.consume(input, output);
  EXPECT_TRUE(input.empty());
}

TEST(EchoCodec, AppendsBehindRepliesStillPending) {
  EchoCodec codec;
  Buffer input;
  Buffer output;
  output.append("first ");
  input.append("second");
  codec.consume(input, output);
  EXPECT_EQ(output.readable(), "first second");
}

TEST(EchoCodec, EchoesBinaryBytesIncludingNulAndCrlf) {
  const std::string bytes("a\0b\r\n\xff*$\n", 9);
  EchoCodec codec;
  Buffer input;
  Buffer output;
  input.append(bytes);
  codec.consume(input, output);
  EXPECT_EQ(output.readable(), bytes);
}

TEST(EchoCodec, GivesNoReplyToEmptyInput) {
  EchoCodec codec;
  Buffer input;
  Buffer output;
  EXPECT_EQ(codec.consume(input, output), CodecVerdict::keep_open);
  EXPECT_TRUE(output.empty());
}

TEST(EchoCodec, EchoesTheSameBytesForEverySplitOfTheStream) {
  const std::string stream = "PING\r\nhello world\n";
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    EchoCodec codec;
    Buffer input;
    Buffer output;
    input.append(stream.substr(0, split));
    codec.consume(input, output);
    input.append(stream.substr(split));
    codec.consume(input, output);
    EXPECT_EQ(output.readable(), stream) << "split at byte " << split;
  }
}

TEST(EchoCodec, IsWhatMakeCodecBuildsForTheEchoProtocol) {
  // A RESP codec would answer this with +PONG; echo must send the request itself back.
  std::unique_ptr<Codec> codec = make_codec(Protocol::echo);
  Buffer input;
  Buffer output;
  input.append("PING\r\n");
  EXPECT_EQ(codec->consume(input, output), CodecVerdict::keep_open);
  EXPECT_EQ(output.readable(), "PING\r\n");
}

}  // namespace
}  // namespace socklab
