// The faults of harness/faults, each shown to act as the real event does, inside a fresh
// network namespace: a silent host answers nothing, a rejected flow resets the sender, a
// crashed client process closes with FIN or RST, a forged RST resets only at the exact
// sequence number. And the trace queries that scenarios read those events with.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <optional>
#include <thread>

#include "harness/capture/packet_capture.hpp"
#include "harness/faults/forged_reset.hpp"
#include "harness/faults/packet_faults.hpp"
#include "harness/faults/peer_process.hpp"
#include "harness/trace/segment_queries.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"
#include "tests/harness/fixtures/harness_test_support.hpp"

namespace socklab::harness {
namespace {

using namespace std::chrono_literals;

// --- trace queries on hand-made segments ----------------------------------------------------

TcpSegment segment(TcpEndpoint from, TcpEndpoint to, std::uint32_t seq, std::uint32_t payload,
                   std::uint8_t flags, double time) {
  TcpSegment made;
  made.source = from;
  made.destination = to;
  made.seq = seq;
  made.payload_bytes = payload;
  made.flags = flags;
  made.time = time;
  made.window = 512;
  return made;
}

constexpr std::uint8_t kAck = 0x10, kRst = 0x04, kFin = 0x01;
const TcpEndpoint kServer{0x010012c6, 7};  // 198.18.0.1:7 in network byte order
const TcpEndpoint kClient{0x0a0012c6, 40000};

TEST(SegmentQueriesTest, AKeepaliveProbeIsAnEmptySegmentOneBeforeTheNextSequenceNumber) {
  std::vector<TcpSegment> trace = {
      segment(kServer, kClient, 1000, 100, kAck, 1.0),  // data: 1000..1099, next is 1100
      segment(kServer, kClient, 1099, 0, kAck, 2.0),    // probe
      segment(kServer, kClient, 1099, 0, kAck, 3.0),    // probe
      segment(kServer, kClient, 1100, 0, kAck, 3.5),    // a plain ACK, not a probe
      segment(kServer, kClient, 1099, 0, kAck | kRst, 4.0),  // a reset, not a probe
  };
  EXPECT_EQ(count_keepalive_probes(trace, kServer, kClient, 0), 2);
  EXPECT_EQ(count_keepalive_probes(trace, kServer, kClient, 2.5), 1);
  EXPECT_EQ(count_keepalive_probes(trace, kClient, kServer, 0), 0);  // the other direction
  EXPECT_EQ(count_resets(trace, kServer, kClient), 1);
}

TEST(SegmentQueriesTest, TheLastAcknowledgmentIsTheNextByteExpected) {
  std::vector<TcpSegment> trace = {segment(kServer, kClient, 1, 0, kAck, 1.0),
                                   segment(kServer, kClient, 1, 0, kFin, 2.0)};
  trace[0].ack = 5000;
  trace[1].ack = 9999;  // no ACK flag: its acknowledgment field means nothing
  EXPECT_EQ(last_acknowledgment(trace, kServer, kClient), 5000u);
  EXPECT_FALSE(last_acknowledgment(trace, kClient, kServer).has_value());
}

TEST(SegmentQueriesTest, ZeroWindowsAreCountedPerDirection) {
  std::vector<TcpSegment> trace = {segment(kClient, kServer, 1, 10, kAck, 1.0),
                                   segment(kClient, kServer, 11, 10, kAck, 2.0)};
  trace[1].window = 0;
  EXPECT_EQ(count_zero_windows(trace, kClient, kServer), 1);
  EXPECT_EQ(count_zero_windows(trace, kServer, kClient), 0);
}

// --- a crashed client process (no namespace needed: loopback of the harness's own) ----------

struct Pair {
  Fd client;
  Fd server;
};

Pair connected_pair(const Fd& listener) {
  Pair pair;
  pair.client = connect_tcp("127.0.0.1", ntohs(local_address(listener.get()).sin_port));
  pair.server = Fd(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!pair.server) throw_errno("accept4", errno);
  set_io_timeouts(pair.server.get(), 5s);  // a test that fails must not hang
  return pair;
}

IoResult read_after_crash(Pair& pair) {
  PeerProcess process = PeerProcess::adopt(std::move(pair.client));
  process.crash();
  char byte;
  return receive_some(pair.server.get(), &byte, 1);
}

TEST(PeerProcessTest, AClientKilledWithNothingUnreadClosesWithFin) {
  Fd listener = listen_tcp("127.0.0.1", 0, false);
  Pair pair = connected_pair(listener);
  EXPECT_EQ(read_after_crash(pair).status, IoStatus::end_of_stream);
}

TEST(PeerProcessTest, AClientKilledWithUnreadBytesClosesWithReset) {
  Fd listener = listen_tcp("127.0.0.1", 0, false);
  Pair pair = connected_pair(listener);
  ASSERT_EQ(send_some(pair.server.get(), "unread", 6).status, IoStatus::transferred);
  std::this_thread::sleep_for(50ms);  // the bytes reach the client's receive queue
  IoResult result = read_after_crash(pair);
  ASSERT_EQ(result.status, IoStatus::failed);
  EXPECT_EQ(result.error_number, ECONNRESET) << errno_text(result.error_number);
}

// --- packet faults, inside a namespace -------------------------------------------------------

class PacketFaultTest : public testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_SANDBOX();
    netns_.emplace(NetNamespace::create());
    test::bring_up_loopback(*netns_);
    EnterNetNamespace inside(*netns_);
    listener_ = listen_tcp("127.0.0.1", 0, false);
  }
  std::uint16_t port() const { return ntohs(local_address(listener_.get()).sin_port); }
  Pair pair_inside() {
    EnterNetNamespace inside(*netns_);
    return connected_pair(listener_);
  }
  // A non-blocking connect from inside the namespace; true if it completes within `wait`.
  bool connects_within(std::chrono::milliseconds wait) {
    EnterNetNamespace inside(*netns_);
    Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    sockaddr_in address = ipv4_address("127.0.0.1", port());
    if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) == 0) return true;
    pollfd writable{socket.get(), POLLOUT, 0};
    return ::poll(&writable, 1, static_cast<int>(wait.count())) == 1;
  }

  std::optional<NetNamespace> netns_;
  Fd listener_;
};

TEST_F(PacketFaultTest, ASilencedHostAnswersNothingUntilTheSilenceEnds) {
  {
    NftTable silence = silence_host(*netns_);
    EXPECT_FALSE(connects_within(300ms));  // the SYN is dropped: no SYN-ACK, no RST
  }
  EXPECT_TRUE(connects_within(1000ms));
}

TEST_F(PacketFaultTest, ARejectedFlowResetsTheSenderAndOnlyThatFlow) {
  Pair rejected = pair_inside();
  Pair spared = pair_inside();
  TcpEndpoint server{htonl(INADDR_LOOPBACK), port()};
  std::uint16_t client_port = ntohs(local_address(rejected.client.get()).sin_port);
  NftTable firewall = reject_flow_with_reset(*netns_, server, client_port);
  send_some(rejected.server.get(), "x", 1);
  send_some(spared.server.get(), "y", 1);
  std::this_thread::sleep_for(100ms);
  char byte;
  IoResult result = receive_some(rejected.server.get(), &byte, 1);
  ASSERT_EQ(result.status, IoStatus::failed);
  EXPECT_EQ(result.error_number, ECONNRESET) << errno_text(result.error_number);
  EXPECT_EQ(receive_some(spared.client.get(), &byte, 1).status, IoStatus::transferred);
}

TEST_F(PacketFaultTest, AForgedResetKillsOnlyAtTheExactSequenceNumber) {
  test::TemporaryFolder folder;
  PacketCapture capture = PacketCapture::start(*netns_, "lo", folder.path() / "forged.pcap");
  Pair exact = pair_inside();
  Pair off = pair_inside();
  ASSERT_EQ(send_some(exact.client.get(), "a", 1).status, IoStatus::transferred);
  ASSERT_EQ(send_some(off.client.get(), "b", 1).status, IoStatus::transferred);
  std::this_thread::sleep_for(100ms);  // the server's ACKs reach the capture
  TcpEndpoint server{htonl(INADDR_LOOPBACK), port()};
  TcpEndpoint exact_client{htonl(INADDR_LOOPBACK), ntohs(local_address(exact.client.get()).sin_port)};
  TcpEndpoint off_client{htonl(INADDR_LOOPBACK), ntohs(local_address(off.client.get()).sin_port)};
  auto segments = capture.segments();
  auto exact_seq = last_acknowledgment(segments, server, exact_client);
  auto off_seq = last_acknowledgment(segments, server, off_client);
  ASSERT_TRUE(exact_seq && off_seq) << segments.size() << " segments captured";

  send_forged_reset(*netns_, exact_client, server, *exact_seq);
  send_forged_reset(*netns_, off_client, server, *off_seq + 1);
  std::this_thread::sleep_for(100ms);
  char bytes[2];
  EXPECT_EQ(receive_some(exact.server.get(), bytes, 2).status, IoStatus::transferred);  // "a"
  IoResult after = receive_some(exact.server.get(), bytes, 2);
  ASSERT_EQ(after.status, IoStatus::failed);
  EXPECT_EQ(after.error_number, ECONNRESET) << errno_text(after.error_number);
  EXPECT_EQ(receive_some(off.server.get(), bytes, 2).status, IoStatus::transferred);  // "b"
  ASSERT_EQ(send_some(off.client.get(), "c", 1).status, IoStatus::transferred);
  EXPECT_EQ(receive_some(off.server.get(), bytes, 2).status, IoStatus::transferred);  // alive
}

}  // namespace
}  // namespace socklab::harness
