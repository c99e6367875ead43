// split_connections builds the model Wireshark shows: client and server from the SYN (or
// guessed from the ports when the handshake was not captured), sequence numbers relative to
// each side's initial sequence number, windows scaled as the SYNs agreed, and one connection
// per 4-tuple in the order the capture met them.
#include <gtest/gtest.h>

#include <vector>

#include "harness/trace/tcp_connection.hpp"
#include "tests/trace/analyzed_trace.hpp"
#include "tests/trace/pcap_writer.hpp"

namespace socklab::harness {
namespace {

using trace_test::analyze;
using trace_test::Endpoints;
using trace_test::SyntheticTrace;

std::vector<std::uint32_t> frames_of(const TcpConnection& connection) {
  std::vector<std::uint32_t> frames;
  for (const ConnectionSegment& entry : connection.segments) frames.push_back(entry.segment.frame);
  return frames;
}

// Whoever sends the SYN is the client, even from a port below the server's: ports are only a
// guess, the SYN is what connect() sent.
TEST(Connections, TakesTheRolesFromTheSynEvenWhenTheClientsPortIsLower) {
  Endpoints low_client_port;
  low_client_port.client_port = 700;
  SyntheticTrace trace;
  auto flow = trace.flow(low_client_port);
  flow.client(0.000).syn(1000);
  flow.server(0.010).syn_ack(5000, 1001);
  flow.client(0.020).ack(1001, 5001);
  auto analyzed = analyze(trace);
  ASSERT_EQ(analyzed.connections.size(), 1u);
  const TcpConnection& connection = analyzed.connections[0];
  EXPECT_TRUE(connection.roles_from_handshake);
  EXPECT_EQ(connection.client.text(), "198.18.0.10:700");
  EXPECT_EQ(connection.server.text(), "198.18.0.1:43777");
  EXPECT_EQ(analyzed.frame(2).from, Side::server);
}

// The capture began mid-connection with a segment from the server: without a SYN, the lower
// port (43777, a listening port) is taken for the server's, not the first sender for the client.
TEST(Connections, GuessesThatTheLowerPortIsTheServersWhenTheHandshakeWasNotCaptured) {
  SyntheticTrace trace;
  trace.server(0.000).ack(5001, 1001).data(100);
  trace.client(0.010).ack(1001, 5101);
  auto analyzed = analyze(trace);
  ASSERT_EQ(analyzed.connections.size(), 1u);
  const TcpConnection& connection = analyzed.connections[0];
  EXPECT_FALSE(connection.roles_from_handshake);
  EXPECT_EQ(connection.server.port, 43777);
  EXPECT_EQ(connection.client.port, 51000);
  EXPECT_EQ(analyzed.frame(1).from, Side::server);
}

// The SYN takes sequence number ISN, so relative to the ISN it is 0 and data starts at 1; an
// ACK counts from the other side's ISN.
TEST(Connections, NumbersTheSynZeroAndTheFirstDataByteOne) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.010).syn_ack(5000, 1001);
  trace.client(0.020).ack(1001, 5001);
  trace.client(0.030).ack(1001, 5001).data(100);
  trace.server(0.040).ack(5001, 1101);
  auto analyzed = analyze(trace);
  EXPECT_EQ(analyzed.frame(1).relative_seq, 0u);
  EXPECT_EQ(analyzed.frame(2).relative_seq, 0u);
  EXPECT_EQ(analyzed.frame(2).relative_ack, 1u);
  EXPECT_EQ(analyzed.frame(4).relative_seq, 1u);
  EXPECT_EQ(analyzed.frame(5).relative_ack, 101u);
}

TEST(Connections, NumbersTheFirstByteSeenOneWhenTheSynWasNotCaptured) {
  SyntheticTrace trace;
  trace.client(0.000).ack(7001, 9001).data(100);
  trace.server(0.010).ack(9001, 7101);
  auto analyzed = analyze(trace);
  EXPECT_EQ(analyzed.frame(1).relative_seq, 1u);
  EXPECT_EQ(analyzed.frame(2).relative_ack, 101u);
}

// The client asks for a shift of 7 and the server for 9; each side's window field is scaled
// by the shift that side announced (RFC 7323, 2.3).
SyntheticTrace handshake_with_window_scales(bool server_scales) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000).window(64240).wscale(7);
  auto& syn_ack = trace.server(0.010).syn_ack(5000, 1001).window(65160);
  if (server_scales) syn_ack.wscale(9);
  trace.client(0.020).ack(1001, 5001).window(502);
  trace.server(0.030).ack(5001, 1001).window(128);
  return trace;
}

TEST(Connections, ScalesEachSidesWindowByItsOwnShiftWhenBothSynsCarryTheOption) {
  auto analyzed = analyze(handshake_with_window_scales(true));
  EXPECT_EQ(analyzed.frame(3).window_bytes, 502u << 7);
  EXPECT_EQ(analyzed.frame(4).window_bytes, 128u << 9);
}

// The window in a SYN is never scaled: scaling starts only once both sides agreed to it.
TEST(Connections, NeverScalesTheWindowOfASyn) {
  auto analyzed = analyze(handshake_with_window_scales(true));
  EXPECT_EQ(analyzed.frame(1).window_bytes, 64240u);
  EXPECT_EQ(analyzed.frame(2).window_bytes, 65160u);
}

// A server that ignores the option turns scaling off in both directions.
TEST(Connections, DoesNotScaleWhenOnlyOneSynCarriesTheOption) {
  auto analyzed = analyze(handshake_with_window_scales(false));
  EXPECT_EQ(analyzed.frame(3).window_bytes, 502u);
  EXPECT_EQ(analyzed.frame(4).window_bytes, 128u);
}

// data_bytes counts sequence space: bytes 1001-1100 sent twice are still 100 bytes.
TEST(Connections, CountsRetransmittedBytesOnceInDataBytes) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.010).syn_ack(5000, 1001);
  trace.client(0.020).ack(1001, 5001);
  trace.client(0.030).ack(1001, 5001).data(100);
  trace.client(0.330).ack(1001, 5001).data(100);  // the RTO fired
  trace.client(0.340).ack(1101, 5001).data(50);
  trace.server(0.350).ack(5001, 1151);
  auto analyzed = analyze(trace);
  ASSERT_EQ(analyzed.connections.size(), 1u);
  EXPECT_EQ(analyzed.connections[0].data_bytes(Side::client), 150u);
  EXPECT_EQ(analyzed.connections[0].data_bytes(Side::server), 0u);
}

// Two clients connect at once from different ports; their segments interleave in the capture.
// The connection whose first segment was captured first comes first, whatever its port.
TEST(Connections, SplitsTwoConnectionsOnDifferentPortsInCaptureOrder) {
  Endpoints first_port;
  Endpoints second_port;
  second_port.client_port = 51002;
  SyntheticTrace trace;
  auto earlier = trace.flow(second_port);
  auto later = trace.flow(first_port);
  earlier.client(0.000).syn(2000);            // 1
  later.client(0.001).syn(1000);              // 2
  earlier.server(0.010).syn_ack(6000, 2001);  // 3
  later.server(0.011).syn_ack(5000, 1001);    // 4
  earlier.client(0.020).ack(2001, 6001);      // 5
  later.client(0.021).ack(1001, 5001);        // 6
  auto analyzed = analyze(trace);
  ASSERT_EQ(analyzed.connections.size(), 2u);
  EXPECT_EQ(analyzed.connections[0].client.port, 51002);
  EXPECT_EQ(frames_of(analyzed.connections[0]), (std::vector<std::uint32_t>{1, 3, 5}));
  EXPECT_EQ(analyzed.connections[1].client.port, 51000);
  EXPECT_EQ(frames_of(analyzed.connections[1]), (std::vector<std::uint32_t>{2, 4, 6}));
}

}  // namespace
}  // namespace socklab::harness
