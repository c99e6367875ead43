// read_pcap_file takes the TCP segments out of a capture whatever wrote it (an interface, lo,
// tcpdump -i any, a raw IP tool), plain or gzip-compressed; write_headers_only_copy keeps every
// frame and every TCP header field; damaged and foreign files are reported by name.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/trace/gzip_file.hpp"
#include "harness/trace/pcap_file.hpp"
#include "tests/trace/pcap_writer.hpp"
#include "tests/trace/temporary_directory.hpp"

namespace socklab::harness {
namespace {

using trace_test::LinkType;
using trace_test::SyntheticTrace;
using trace_test::TemporaryDirectory;

// A connection with every header field a reader takes: options on both SYNs, data, a FIN.
SyntheticTrace short_connection() {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000).window(64240).mss(1460).sack_permitted().timestamps(11, 0).wscale(
      7);
  trace.server(0.010)
      .syn_ack(5000, 1001)
      .window(65160)
      .mss(1400)
      .sack_permitted()
      .timestamps(22, 11)
      .wscale(9);
  trace.client(0.020).ack(1001, 5001).window(502).timestamps(12, 22);
  trace.client(0.030).ack(1001, 5001).window(502).timestamps(13, 22).data(100);
  trace.server(0.040).ack(5001, 1101).window(128).timestamps(23, 13);
  trace.client(0.050).fin(1101, 5001).window(502).timestamps(14, 23);
  return trace;
}

// Every field of a segment on one line, so that two readings compare whole and a difference
// shows which field it is in.
std::string describe(const TcpSegment& segment) {
  return fmt::format(
      "frame {} at {:.6f}: {} > {} flags {:#04x} seq {} ack {} win {} len {} "
      "mss {} ws {} sackok {} sack {} ts {}",
      segment.frame, segment.time, segment.source.text(), segment.destination.text(), segment.flags,
      segment.seq, segment.ack, segment.window, segment.payload_bytes,
      segment.mss ? std::to_string(*segment.mss) : "-",
      segment.window_scale ? std::to_string(*segment.window_scale) : "-", segment.sack_permitted,
      segment.sack_blocks, segment.timestamps);
}

std::vector<std::string> describe(const std::vector<TcpSegment>& segments) {
  std::vector<std::string> lines;
  for (const TcpSegment& segment : segments) lines.push_back(describe(segment));
  return lines;
}

// The message of the std::runtime_error that reading the file throws.
std::string read_error(const std::filesystem::path& file) {
  try {
    read_pcap_file(file);
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(read_pcap_file threw nothing)";
}

TEST(PcapFile, ReadsEveryTcpHeaderFieldOfAnEthernetFrame) {
  TemporaryDirectory directory;
  short_connection().write(directory.file("ethernet.pcap"), LinkType::ethernet);
  PcapContents contents = read_pcap_file(directory.file("ethernet.pcap"));
  EXPECT_EQ(contents.link_type, "EN10MB");
  EXPECT_EQ(contents.frames, 6u);
  ASSERT_EQ(contents.segments.size(), 6u);
  const TcpSegment& data = contents.segments[3];
  EXPECT_EQ(data.frame, 4u);
  EXPECT_NEAR(data.time, trace_test::kCaptureStartSeconds + 0.030, 1e-6);
  EXPECT_EQ(data.source.text(), "198.18.0.10:51000");
  EXPECT_EQ(data.destination.text(), "198.18.0.1:43777");
  EXPECT_EQ(data.seq, 1001u);
  EXPECT_EQ(data.ack, 5001u);
  EXPECT_EQ(data.flags, TH_PUSH | TH_ACK);
  EXPECT_EQ(data.window, 502u);
  EXPECT_EQ(data.payload_bytes, 100u);
  EXPECT_TRUE(data.timestamps);
}

TEST(PcapFile, ReadsTheOptionsOfASyn) {
  TemporaryDirectory directory;
  short_connection().write(directory.file("ethernet.pcap"), LinkType::ethernet);
  const TcpSegment syn_ack = read_pcap_file(directory.file("ethernet.pcap")).segments.at(1);
  EXPECT_EQ(syn_ack.mss, 1400);
  EXPECT_EQ(syn_ack.window_scale, 9);
  EXPECT_TRUE(syn_ack.sack_permitted);
  EXPECT_TRUE(syn_ack.timestamps);
}

// tcpdump -i any writes Linux cooked frames: a 16-byte pseudo-header instead of Ethernet's 14.
TEST(PcapFile, ReadsLinuxCookedCapturesAsItReadsEthernet) {
  TemporaryDirectory directory;
  short_connection().write(directory.file("ethernet.pcap"), LinkType::ethernet);
  short_connection().write(directory.file("cooked.pcap"), LinkType::linux_cooked);
  PcapContents cooked = read_pcap_file(directory.file("cooked.pcap"));
  EXPECT_EQ(cooked.link_type, "LINUX_SLL");
  EXPECT_EQ(describe(cooked.segments),
            describe(read_pcap_file(directory.file("ethernet.pcap")).segments));
}

TEST(PcapFile, ReadsRawIpCapturesAsItReadsEthernet) {
  TemporaryDirectory directory;
  short_connection().write(directory.file("ethernet.pcap"), LinkType::ethernet);
  short_connection().write(directory.file("raw.pcap"), LinkType::raw_ip);
  PcapContents raw = read_pcap_file(directory.file("raw.pcap"));
  EXPECT_EQ(raw.link_type, "RAW");
  EXPECT_EQ(describe(raw.segments),
            describe(read_pcap_file(directory.file("ethernet.pcap")).segments));
}

// Golden traces are stored as headers-only gzip copies: the copy must read back segment for
// segment as the original, frames that are not TCP included, payload lengths included (they
// come from the IP total length, which the copy keeps).
TEST(PcapFile, ReadsAGzipHeadersOnlyCopyAsTheOriginal) {
  TemporaryDirectory directory;
  SyntheticTrace trace = short_connection();
  trace.arp(0.060);
  trace.udp(0.070, 40);
  trace.write(directory.file("original.pcap"));
  EXPECT_EQ(
      write_headers_only_copy(directory.file("original.pcap"), directory.file("copy.pcap.gz")), 8u);
  EXPECT_TRUE(is_gzip_file(directory.file("copy.pcap.gz")));
  PcapContents original = read_pcap_file(directory.file("original.pcap"));
  PcapContents copy = read_pcap_file(directory.file("copy.pcap.gz"));
  EXPECT_EQ(copy.frames, original.frames);
  EXPECT_EQ(copy.other_frames, original.other_frames);
  EXPECT_EQ(describe(copy.segments), describe(original.segments));
}

// A capture stopped while being written ends inside a frame: the frames before it are read.
TEST(PcapFile, ReadsTheFramesBeforeACutFrameAndSaysTheFileWasCut) {
  TemporaryDirectory directory;
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.010).syn_ack(5000, 1001);
  trace.client(0.020).ack(1001, 5001);
  trace.client(0.030).ack(1001, 5001).data(100);
  const std::filesystem::path file = directory.file("cut.pcap");
  trace.write(file);
  std::filesystem::resize_file(file, std::filesystem::file_size(file) - 50);  // inside the payload
  PcapContents contents = read_pcap_file(file);
  EXPECT_EQ(contents.frames, 3u);
  EXPECT_EQ(contents.segments.size(), 3u);
  EXPECT_FALSE(contents.truncated.empty());
}

TEST(PcapFile, ThrowsARuntimeErrorNamingAMissingFile) {
  TemporaryDirectory directory;
  const std::filesystem::path missing = directory.file("never-written.pcap");
  const std::string message = read_error(missing);
  EXPECT_NE(message.find(missing.string()), std::string::npos) << message;
}

TEST(PcapFile, ThrowsARuntimeErrorNamingAFileThatIsNotACapture) {
  TemporaryDirectory directory;
  const std::filesystem::path text = directory.file("notes.pcap");
  std::ofstream(text) << "these are notes about a capture, not a capture\n";
  const std::string message = read_error(text);
  EXPECT_NE(message.find(text.string()), std::string::npos) << message;
}

// A LAN carries ARP and UDP next to TCP: they are counted, skipped, and still numbered, so
// that frame numbers stay Wireshark's.
TEST(PcapFile, CountsArpAndUdpFramesAsOtherFrames) {
  TemporaryDirectory directory;
  SyntheticTrace trace;
  trace.arp(0.000);                         // 1
  trace.client(0.001).syn(1000);            // 2
  trace.udp(0.002, 40);                     // 3
  trace.server(0.011).syn_ack(5000, 1001);  // 4
  trace.write(directory.file("mixed.pcap"));
  PcapContents contents = read_pcap_file(directory.file("mixed.pcap"));
  EXPECT_EQ(contents.frames, 4u);
  EXPECT_EQ(contents.other_frames, 2u);
  ASSERT_EQ(contents.segments.size(), 2u);
  EXPECT_EQ(contents.segments[0].frame, 2u);
  EXPECT_EQ(contents.segments[1].frame, 4u);
}

}  // namespace
}  // namespace socklab::harness
