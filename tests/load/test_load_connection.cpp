// A load connection sends its queued requests whole and takes pipelined replies off its input
// however the byte stream is split, one latency each, and closes on a reply that is wrong.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <memory>
#include <string>

#include "harness/load/load_connection.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::load {
namespace {

struct ConnectedPair {
  Fd ours;
  Fd server;
};

// A Unix stream socketpair: a byte stream like TCP, and what one side sends is queued at the
// other before send() returns, so nothing here waits.
ConnectedPair make_pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) != 0) {
    throw_errno("socketpair", errno);
  }
  return {Fd(fds[0]), Fd(fds[1])};
}

std::string read_available(int fd) {
  std::string bytes;
  char chunk[4096];
  for (;;) {
    IoResult result = receive_some(fd, chunk, sizeof chunk);
    if (result.status != IoStatus::transferred) return bytes;
    bytes.append(chunk, result.bytes);
  }
}

void send_to(int fd, std::string_view bytes) {
  ASSERT_EQ(send_some(fd, bytes.data(), bytes.size()).bytes, bytes.size());
}

TEST(LoadConnection, SendsEveryQueuedRequestBackToBack) {
  ConnectedPair pair = make_pair();
  LoadCodec codec = LoadCodec::resp_ping();
  RequestTrain train(codec.request(), 4);
  LoadConnection connection(std::move(pair.ours), 4, codec.expected_response().size());
  for (int i = 0; i < 3; ++i) connection.queue_request(codec.request().size(), 0);
  EXPECT_EQ(connection.send_queued(train).status, IoStatus::transferred);
  EXPECT_EQ(connection.unsent_bytes(), 0u);
  std::string request(codec.request());
  EXPECT_EQ(read_available(pair.server.get()), request + request + request);
  EXPECT_EQ(connection.in_flight(), 3u);
  EXPECT_TRUE(connection.pipeline_has_room());
  connection.queue_request(codec.request().size(), 0);
  EXPECT_FALSE(connection.pipeline_has_room()) << "4 in flight is the whole pipeline";
}

TEST(LoadConnection, TakesPipelinedRepliesSplitAtEveryByte) {
  LoadCodec codec = LoadCodec::resp_ping();
  const std::string two_replies =
      std::string(codec.expected_response()) + std::string(codec.expected_response());
  for (std::size_t split = 1; split < two_replies.size(); ++split) {
    SCOPED_TRACE(split);
    ConnectedPair pair = make_pair();
    LoadConnection connection(std::move(pair.ours), 2, codec.expected_response().size());
    connection.queue_request(codec.request().size(), 10);
    connection.queue_request(codec.request().size(), 20);
    auto latencies = std::make_unique<LatencyHistogram>();
    std::uint64_t replies = 0;
    for (std::string_view piece : {std::string_view(two_replies).substr(0, split),
                                   std::string_view(two_replies).substr(split)}) {
      send_to(pair.server.get(), piece);
      ASSERT_EQ(connection.receive().status, IoStatus::transferred);
      ResponsesTaken taken = connection.take_responses(codec, 100, *latencies);
      ASSERT_FALSE(taken.protocol_error) << taken.error_text;
      replies += taken.responses;
    }
    EXPECT_EQ(replies, 2u);
    EXPECT_EQ(connection.in_flight(), 0u);
    // In order: the first reply belongs to the request queued at 10 ns, the second to 20 ns
    // (values under 128 ns are exact in the histogram).
    EXPECT_EQ(latencies->count(), 2u);
    EXPECT_EQ(latencies->max(), 90u);
    EXPECT_EQ(latencies->value_at_percentile(0), 80u);
  }
}

TEST(LoadConnection, WrongReplyIsAProtocolErrorThatSaysWhatCame) {
  ConnectedPair pair = make_pair();
  LoadCodec codec = LoadCodec::resp_ping();
  LoadConnection connection(std::move(pair.ours), 1, codec.expected_response().size());
  connection.queue_request(codec.request().size(), 0);
  send_to(pair.server.get(), "-ERR unknown command\r\n");
  ASSERT_EQ(connection.receive().status, IoStatus::transferred);
  auto latencies = std::make_unique<LatencyHistogram>();
  ResponsesTaken taken = connection.take_responses(codec, 10, *latencies);
  EXPECT_TRUE(taken.protocol_error);
  EXPECT_EQ(taken.responses, 0u);
  EXPECT_NE(taken.error_text.find("expected \"+PONG\\r\\n\", got \"-ERR unknown command"),
            std::string::npos)
      << taken.error_text;
}

TEST(LoadConnection, ReplyWithNoRequestOutstandingIsAProtocolError) {
  ConnectedPair pair = make_pair();
  LoadCodec codec = LoadCodec::memcache_noop();
  LoadConnection connection(std::move(pair.ours), 1, codec.expected_response().size());
  connection.queue_request(codec.request().size(), 0);
  send_to(pair.server.get(), "MN\r\nMN\r\n");
  ASSERT_EQ(connection.receive().status, IoStatus::transferred);
  auto latencies = std::make_unique<LatencyHistogram>();
  ResponsesTaken taken = connection.take_responses(codec, 10, *latencies);
  EXPECT_EQ(taken.responses, 1u);
  EXPECT_TRUE(taken.protocol_error);
}

TEST(RequestTrain, NextSliceStartsWhereThePartlySentRequestLeftOff) {
  RequestTrain train("abc", 4);
  EXPECT_EQ(train.next_slice(12), "abcabcabcabc");
  EXPECT_EQ(train.next_slice(7), "cabcabc");  // 2 bytes of the 3rd-last request already sent
  EXPECT_EQ(train.next_slice(1), "c");
}

TEST(RequestTrain, LargeRequestsAreSentOneTrainLengthAtATime) {
  const std::string request(200'000, 'x');
  RequestTrain train(request, 8);
  // 256 KiB holds one 200 kB request: 3 owed requests go out one slice per request.
  EXPECT_EQ(train.next_slice(3 * request.size()).size(), request.size());
  EXPECT_EQ(train.next_slice(3 * request.size() - 5).size(), request.size() - 5);
}

}  // namespace
}  // namespace socklab::load
