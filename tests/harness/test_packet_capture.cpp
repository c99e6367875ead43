// PacketCapture on lo of a fresh network namespace: a conversation made inside the namespace
// must be in the pcap file, whole, when stop() returns. libpcap itself reads the file back.
#include "harness/capture/packet_capture.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <optional>
#include <thread>

#include "net/errno_text.hpp"
#include "net/socket.hpp"
#include "tests/harness/fixtures/harness_test_support.hpp"

namespace socklab::harness {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

constexpr std::uint8_t kFin = 0x01, kSyn = 0x02, kRst = 0x04, kAck = 0x10;

struct Segment {
  std::uint8_t flags = 0;
  std::size_t payload = 0;  // from the IP total length: exact even when truncated
  std::uint32_t wire_length = 0;
  std::uint32_t captured = 0;
  bool is(std::uint8_t wanted) const { return (flags & (kSyn | kAck | kFin | kRst)) == wanted; }
};

// The TCP segments of a pcap file of Ethernet frames (as Linux presents lo), in order.
std::vector<Segment> read_tcp_segments(const std::filesystem::path& file) {
  char error[PCAP_ERRBUF_SIZE] = "";
  std::unique_ptr<pcap_t, void (*)(pcap_t*)> reader(pcap_open_offline(file.c_str(), error),
                                                    pcap_close);
  if (!reader) throw std::runtime_error(error);
  EXPECT_EQ(pcap_datalink(reader.get()), DLT_EN10MB);
  EXPECT_EQ(pcap_snapshot(reader.get()), PacketCapture::kSnapLength);
  std::vector<Segment> segments;
  pcap_pkthdr* header = nullptr;
  const u_char* frame = nullptr;
  while (pcap_next_ex(reader.get(), &header, &frame) == 1) {
    if (header->caplen < 14 + 20 || frame[12] != 0x08 || frame[13] != 0x00) continue;  // IPv4
    const u_char* ip = frame + 14;
    std::size_t ip_header = (ip[0] & 0x0f) * 4u;
    if (ip[9] != IPPROTO_TCP || header->caplen < 14 + ip_header + 20) continue;
    const u_char* tcp = ip + ip_header;
    std::size_t ip_total = static_cast<std::size_t>(ip[2] << 8 | ip[3]);
    segments.push_back(
        {tcp[13], ip_total - ip_header - (tcp[12] >> 4) * 4u, header->len, header->caplen});
  }
  return segments;
}

// A connection to `listener` made from inside `netns`, where the listener is.
Fd connect_inside(const NetNamespace& netns, const Fd& listener) {
  EnterNetNamespace inside(netns);
  return connect_tcp("127.0.0.1", ntohs(local_address(listener.get()).sin_port));
}

// Moves `bytes` over one TCP connection on 127.0.0.1 in `netns`, then both sides close:
// handshake, data, a FIN each way.
void converse(const NetNamespace& netns, const Fd& listener, const std::string& bytes) {
  Fd client = connect_inside(netns, listener);
  Fd server(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(server) << errno_text(errno);
  for (std::size_t sent = 0; sent < bytes.size();) {
    IoResult result = send_some(client.get(), bytes.data() + sent, bytes.size() - sent);
    ASSERT_EQ(result.status, IoStatus::transferred) << errno_text(result.error_number);
    sent += result.bytes;
  }
  client.reset();  // FIN from the client
  std::string received(bytes.size() + 1, '\0');
  std::size_t total = 0;
  for (;;) {
    IoResult result = receive_some(server.get(), received.data() + total, received.size() - total);
    if (result.status != IoStatus::transferred) break;
    total += result.bytes;
  }
  EXPECT_EQ(total, bytes.size());  // then EOF: the client's FIN arrived after the data
}

class PacketCaptureTest : public testing::Test {
 protected:
  void SetUp() override {
    SKIP_WITHOUT_SANDBOX();
    netns_.emplace(NetNamespace::create());
    test::bring_up_loopback(*netns_);
    EnterNetNamespace inside(*netns_);  // the sockets stay in the namespace after we leave it
    listener_ = listen_tcp("127.0.0.1", 0, false);
  }
  std::filesystem::path file() const { return folder_ / "capture.pcap"; }

  std::optional<NetNamespace> netns_;
  Fd listener_;
  test::TemporaryFolder folder_;
};

TEST_F(PacketCaptureTest, RecordsTheHandshakeTheDataAndBothFins) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  converse(*netns_, listener_, "hello");
  CaptureSummary summary = capture.stop();
  EXPECT_EQ(summary.packets_dropped, 0u);
  EXPECT_EQ(summary.file, file());
  std::vector<Segment> segments = read_tcp_segments(file());
  ASSERT_GE(segments.size(), 3u);
  EXPECT_EQ(summary.packets_written, segments.size());
  EXPECT_TRUE(segments[0].is(kSyn));
  EXPECT_TRUE(segments[1].is(kSyn | kAck));
  EXPECT_EQ(std::count_if(segments.begin(), segments.end(),
                          [](const Segment& s) { return (s.flags & kFin) != 0; }),
            2);
  EXPECT_EQ(std::count_if(segments.begin(), segments.end(),
                          [](const Segment& s) { return s.payload == 5; }),
            1);
  EXPECT_TRUE(std::none_of(segments.begin(), segments.end(),
                           [](const Segment& s) { return (s.flags & kRst) != 0; }));
}

TEST_F(PacketCaptureTest, TheLiveSegmentsMatchTheFileSegmentForSegment) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  converse(*netns_, listener_, "hello");
  capture.stop();
  // parse_ethernet_tcp, which the live view uses, against this file's own reading of the file.
  std::vector<TcpSegment> live = capture.segments();
  std::vector<Segment> written = read_tcp_segments(file());
  ASSERT_EQ(live.size(), written.size());
  constexpr std::uint8_t kFlags = kSyn | kAck | kFin | kRst;
  for (std::size_t i = 0; i < live.size(); ++i) {
    EXPECT_EQ(live[i].flags & kFlags, written[i].flags & kFlags) << i;
    EXPECT_EQ(live[i].payload_bytes, written[i].payload) << i;
  }
}

TEST_F(PacketCaptureTest, RecordsAPacketSentTheMomentStartReturns) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  Fd client = connect_inside(*netns_, listener_);
  capture.stop();
  std::vector<Segment> segments = read_tcp_segments(file());
  ASSERT_FALSE(segments.empty());
  EXPECT_TRUE(segments[0].is(kSyn));
}

TEST_F(PacketCaptureTest, KeepsOnlyTheFirstSnapLengthBytesOfEachPacket) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  converse(*netns_, listener_, std::string(10000, 'x'));
  capture.stop();
  std::vector<Segment> segments = read_tcp_segments(file());
  auto large = std::find_if(segments.begin(), segments.end(),
                            [](const Segment& s) { return s.payload > 0; });
  ASSERT_NE(large, segments.end());
  EXPECT_GT(large->wire_length, static_cast<std::uint32_t>(PacketCapture::kSnapLength));
  EXPECT_EQ(large->captured, static_cast<std::uint32_t>(PacketCapture::kSnapLength));
}

// A sender of UDP datagrams on lo, one every `interval`, `count` of them (0: until stopped).
class DatagramSender {
 public:
  DatagramSender(const NetNamespace& netns, std::chrono::milliseconds interval, int count) {
    EnterNetNamespace inside(netns);
    receiver_ = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    sockaddr_in address = ipv4_address("127.0.0.1", 0);
    EXPECT_EQ(::bind(receiver_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    address = local_address(receiver_.get());
    sender_ = Fd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(::connect(sender_.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    thread_ = std::thread([this, interval, count] {
      for (int sent = 0; !stop_ && (count == 0 || sent < count); ++sent) {
        EXPECT_EQ(::send(sender_.get(), "x", 1, 0), 1);
        std::this_thread::sleep_for(interval);  // the pace is what is being tested
      }
    });
  }
  ~DatagramSender() {
    stop_ = true;
    thread_.join();
  }

 private:
  Fd receiver_, sender_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

TEST_F(PacketCaptureTest, StopWaitsUntilTheWireHasBeenQuiet) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  DatagramSender sender(*netns_, 20ms, 15);  // about 300 ms of traffic
  CaptureSummary summary = capture.stop(150ms, 5s);
  EXPECT_EQ(summary.packets_written, 15u);
}

TEST_F(PacketCaptureTest, StopGivesUpAtTheLimitWhenTheWireIsNeverQuiet) {
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  DatagramSender sender(*netns_, 10ms, 0);
  auto started = SteadyClock::now();
  capture.stop(200ms, 300ms);
  auto took = SteadyClock::now() - started;
  EXPECT_GE(took, 300ms);
  EXPECT_LT(took, 2s);  // generous: a loaded machine may be slow to wake the thread
}

TEST_F(PacketCaptureTest, StartsAndStopsWithinMilliseconds) {
  auto before_start = SteadyClock::now();
  PacketCapture capture = PacketCapture::start(*netns_, "lo", file());
  auto started = SteadyClock::now();
  capture.stop(0ms, 0ms);
  auto stopped = SteadyClock::now();
  using Milliseconds = std::chrono::duration<double, std::milli>;
  std::cout << "capture start: " << Milliseconds(started - before_start).count()
            << " ms, stop without a quiet period: " << Milliseconds(stopped - started).count()
            << " ms\n";
  EXPECT_LT(stopped - before_start, 2s);
}

TEST_F(PacketCaptureTest, StartNamesTheInterfaceAndNamespaceWhenTheInterfaceIsMissing) {
  try {
    PacketCapture::start(*netns_, "nosuch0", file());
    ADD_FAILURE() << "started a capture on a missing interface";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr("capture on nosuch0 in network namespace net:["));
    EXPECT_THAT(error.what(), HasSubstr("No such device"));
  }
}

TEST_F(PacketCaptureTest, StartNamesTheFileWhenItCannotBeCreated) {
  std::filesystem::path unwritable = folder_ / "missing" / "capture.pcap";
  try {
    PacketCapture::start(*netns_, "lo", unwritable);
    ADD_FAILURE() << "started a capture into a missing folder";
  } catch (const std::runtime_error& error) {
    EXPECT_THAT(error.what(), HasSubstr(unwritable.string()));
  }
}

}  // namespace
}  // namespace socklab::harness
