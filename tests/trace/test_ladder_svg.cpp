// The SVG ladder diagram is one well-formed document that draws every segment as a downward
// arrow, colours it by what it means in TCP terms, escapes its text and folds long stretches.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/trace/ladder_svg.hpp"

namespace socklab::harness {
namespace {

TcpEndpoint endpoint(const char* address, std::uint16_t port) {
  TcpEndpoint result;
  ::inet_pton(AF_INET, address, &result.address);
  result.port = port;
  return result;
}

// The segments of one connection in capture order, a millisecond apart, framed from 1. The
// client's initial sequence number is 1000 and the server's 5000, so relative numbers are small.
class Capture {
 public:
  Capture& client(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                  std::uint32_t payload_bytes = 0, std::uint16_t window = 65535) {
    return add(client_, server_, flags, seq, ack, payload_bytes, window);
  }
  Capture& server(std::uint8_t flags, std::uint32_t seq, std::uint32_t ack,
                  std::uint32_t payload_bytes = 0, std::uint16_t window = 65535) {
    return add(server_, client_, flags, seq, ack, payload_bytes, window);
  }
  Capture& handshake() {
    return client(TH_SYN, 1000, 0).server(TH_SYN | TH_ACK, 5000, 1001).client(TH_ACK, 1001, 5001);
  }
  std::vector<TcpConnection> connections() const { return split_connections(segments_); }

 private:
  Capture& add(TcpEndpoint source, TcpEndpoint destination, std::uint8_t flags, std::uint32_t seq,
               std::uint32_t ack, std::uint32_t payload_bytes, std::uint16_t window) {
    TcpSegment segment;
    segment.time = 1000.0 + 0.001 * static_cast<double>(segments_.size());
    segment.source = source;
    segment.destination = destination;
    segment.seq = seq;
    segment.ack = ack;
    segment.flags = flags;
    segment.payload_bytes = payload_bytes;
    segment.window = window;
    segment.frame = static_cast<std::uint32_t>(segments_.size() + 1);
    segments_.push_back(segment);
    return *this;
  }

  TcpEndpoint client_ = endpoint("10.0.0.1", 40000);
  TcpEndpoint server_ = endpoint("10.0.0.2", 7);
  std::vector<TcpSegment> segments_;
};

// Every connection, numbered from 1.
std::string svg_of(const std::vector<TcpConnection>& connections, std::size_t fold_longer_than) {
  std::vector<std::size_t> numbers;
  for (std::size_t i = 0; i < connections.size(); ++i) numbers.push_back(i + 1);
  std::ostringstream out;
  write_svg_ladder(out, connections, numbers, connections.size(), fold_longer_than);
  return out.str();
}

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++found;
  }
  return found;
}

// The whole <text ...>...</text> element whose content holds `words`; empty if there is none.
std::string text_element_with(const std::string& svg, const std::string& words) {
  std::size_t at = svg.find(words);
  if (at == std::string::npos) return "";
  std::size_t begin = svg.rfind("<text", at);
  std::size_t end = svg.find("</text>", at);
  if (begin == std::string::npos || end == std::string::npos) return "";
  return svg.substr(begin, end + 7 - begin);
}

std::string attribute(const std::string& element, const std::string& name) {
  std::string key = " " + name + "=\"";
  std::size_t at = element.find(key);
  if (at == std::string::npos) return "";
  at += key.size();
  return element.substr(at, element.find('"', at) - at);
}

// The colour the legend gives a meaning, so the tests hold whatever the palette is.
std::string legend_colour(const std::string& svg, const std::string& legend_words) {
  return attribute(text_element_with(svg, ">" + legend_words + "<"), "fill");
}

TEST(LadderSvg, WritesOneWellFormedStandaloneDocument) {
  Capture capture;
  capture.handshake().client(TH_ACK | TH_PUSH, 1001, 5001, 100).server(TH_ACK, 5001, 1101);
  std::string svg = svg_of(capture.connections(), 0);
  EXPECT_EQ(svg.rfind("<svg ", 0), 0u);
  EXPECT_NE(svg.find(R"(xmlns="http://www.w3.org/2000/svg")"), std::string::npos);
  EXPECT_NE(svg.find("viewBox=\"0 0 900 "), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 7), "</svg>\n");
  EXPECT_EQ(count(svg, "<svg"), 1u);
  EXPECT_EQ(count(svg, "<text"), count(svg, "</text>"));
  EXPECT_EQ(count(svg, "<defs>"), count(svg, "</defs>"));
  EXPECT_EQ(count(svg, "<marker"), count(svg, "</marker>"));
}

TEST(LadderSvg, DrawsEachSegmentAsAnArrowSlopingDownToItsHead) {
  Capture capture;
  capture.handshake().server(TH_ACK | TH_PUSH, 5001, 1001, 10);
  std::string svg = svg_of(capture.connections(), 0);
  std::size_t arrows = 0;
  for (std::size_t at = svg.find("<line "); at != std::string::npos;
       at = svg.find("<line ", at + 1)) {
    std::string line = svg.substr(at, svg.find("/>", at) - at);
    EXPECT_GT(std::stoi(attribute(line, "y2")), std::stoi(attribute(line, "y1"))) << line;
    EXPECT_NE(attribute(line, "marker-end"), "") << line;
    ++arrows;
  }
  EXPECT_GE(arrows, 4u);  // the legend's arrows too
}

TEST(LadderSvg, DrawsRstInTheResetColour) {
  Capture capture;
  capture.handshake().server(TH_RST | TH_ACK, 5001, 1001, 0, 0);
  std::string svg = svg_of(capture.connections(), 0);
  std::string rst = text_element_with(svg, "RST ACK  seq 1");
  ASSERT_NE(rst, "") << svg;
  std::string reset_colour = legend_colour(svg, "RST (reset)");
  ASSERT_NE(reset_colour, "");
  EXPECT_EQ(attribute(rst, "fill"), reset_colour);
  EXPECT_NE(reset_colour, legend_colour(svg, "data / ACK"));
}

TEST(LadderSvg, ShowsAZeroWindowWithItsAnalysisFlagHighlighted) {
  Capture capture;
  capture.handshake().client(TH_ACK | TH_PUSH, 1001, 5001, 100).server(TH_ACK, 5001, 1101, 0, 0);
  std::string svg = svg_of(capture.connections(), 0);
  std::string zero_window = text_element_with(svg, "[TCP ZeroWindow]");
  ASSERT_NE(zero_window, "") << svg;
  EXPECT_NE(zero_window.find("win 0"), std::string::npos) << zero_window;
  EXPECT_EQ(attribute(zero_window, "fill"), legend_colour(svg, "tcp.analysis flag"));
}

TEST(LadderSvg, EscapesEveryXmlSpecialCharacter) {
  EXPECT_EQ(xml_escaped(R"(a<b & "c" 'd'>)"), "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;");
  EXPECT_EQ(xml_escaped("plain text"), "plain text");
}

TEST(LadderSvg, EscapesTheArrowInTheConnectionTitle) {
  Capture capture;
  capture.handshake();
  std::string svg = svg_of(capture.connections(), 0);
  EXPECT_NE(svg.find("connection 1 of 1: client 10.0.0.1:40000 -&gt; server 10.0.0.2:7"),
            std::string::npos);
  EXPECT_EQ(svg.find("->"), std::string::npos);
}

TEST(LadderSvg, FoldsARunLongerThanTheLimitIntoOneRowWithDashedLines) {
  Capture capture;
  capture.handshake();
  for (std::uint32_t i = 0; i < 20; ++i) capture.client(TH_ACK, 1001 + 100 * i, 5001, 100);
  // The handshake's last ACK and the 20 data segments are one plain run of 21: three rows
  // are kept at each end and the 15 between are folded.
  std::string folded = svg_of(capture.connections(), 12);
  EXPECT_NE(folded.find(". . . 15 segments in 0.014 s: client sent 1500 bytes, server 0 . . ."),
            std::string::npos);
  std::string every_segment = svg_of(capture.connections(), 0);
  EXPECT_EQ(every_segment.find("segments in"), std::string::npos);
  EXPECT_GT(count(every_segment, "<line "), count(folded, "<line "));
  // The legend shows a dashed line in both; only the folded diagram breaks its lifelines.
  EXPECT_GT(count(folded, "stroke-dasharray"), count(every_segment, "stroke-dasharray"));
}

TEST(LadderSvg, CutsALadderToAHeightWithOneRowThatCountsWhatItHides) {
  Capture capture;
  capture.handshake();
  for (std::uint32_t i = 0; i < 20; ++i) {
    std::uint8_t flags = i == 10 ? (TH_FIN | TH_ACK) : TH_ACK;
    capture.client(flags, 1001 + 100 * i, 5001, 100);
  }
  std::vector<TcpConnection> connections = capture.connections();
  std::ostringstream out;
  // 23 rows with no folding, cut to 10: the first 6 (the handshake and three data segments)
  // and the last 3 are kept; the 14 between, the FIN among them, become one row.
  write_svg_ladder(out, connections, {1}, 1, 0, 10);
  std::string cut = out.str();
  EXPECT_NE(cut.find(". . . 14 segments in 0.015 s: client sent 1400 bytes, server 0 ("),
            std::string::npos)
      << cut;
  EXPECT_NE(cut.find("flagged, not shown) . . ."), std::string::npos);
  EXPECT_LT(count(cut, "<line "), count(svg_of(connections, 0), "<line "));
  // A limit the ladder fits in changes nothing.
  std::ostringstream roomy;
  write_svg_ladder(roomy, connections, {1}, 1, 0, 23);
  EXPECT_EQ(roomy.str(), svg_of(connections, 0));
}

TEST(LadderSvg, TitlesEachConnectionWithTheNumberItWasGiven) {
  Capture capture;
  capture.handshake();
  std::ostringstream out;
  write_svg_ladder(out, capture.connections(), {3}, 5, 0);
  EXPECT_NE(out.str().find("connection 3 of 5: "), std::string::npos);
  EXPECT_THROW(write_svg_ladder(out, capture.connections(), {1, 2}, 5, 0), std::invalid_argument);
}

}  // namespace
}  // namespace socklab::harness
