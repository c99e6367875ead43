// The wire facts scenarios assert on, read from hand-built captures.
#include <gtest/gtest.h>

#include "harness/trace/wire_checks.hpp"
#include "tests/trace/analyzed_trace.hpp"

namespace socklab::trace_test {
namespace {

using harness::Side;

// The handshake of the default connection: client ISN 1000, server ISN 5000.
void handshake(SyntheticTrace& trace) {
  trace.client(0.000).syn(1000);
  trace.server(0.001).syn_ack(5000, 1001);
  trace.client(0.002).ack(1001, 5001);
}

const harness::TcpConnection& only_connection(const AnalyzedTrace& analyzed) {
  EXPECT_EQ(analyzed.connections.size(), 1u);
  return analyzed.connections.at(0);
}

TEST(WireChecks, CountsOnlyTheBytesThePeerAcknowledged) {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.003).ack(1001, 5001).data(1000);
  trace.client(0.004).ack(2001, 5001).data(1000);
  trace.server(0.005).ack(5001, 2001).window(0);  // took in the first 1000, then its window shut
  AnalyzedTrace analyzed = analyze(trace);
  EXPECT_EQ(harness::bytes_acknowledged(only_connection(analyzed), Side::client), 1000u);
}

TEST(WireChecks, SaysHowASideClosedAndAfterHowMuchData) {
  SyntheticTrace trace;
  handshake(trace);
  trace.server(0.003).ack(5001, 1001).data(300);
  trace.server(0.004).rst_ack(5301, 1001);
  AnalyzedTrace analyzed = analyze(trace);
  harness::Closing server = harness::closing_of(only_connection(analyzed), Side::server);
  EXPECT_TRUE(server.rst);
  EXPECT_FALSE(server.fin);
  EXPECT_EQ(server.data_bytes_before, 300u);
  harness::Closing client = harness::closing_of(only_connection(analyzed), Side::client);
  EXPECT_FALSE(client.rst || client.fin);
}

TEST(WireChecks, NoticesDataSentAfterAResetWasReceived) {
  SyntheticTrace trace;
  handshake(trace);
  trace.server(0.003).rst_ack(5001, 1001);
  trace.client(0.004).ack(1001, 5001).data(10);
  AnalyzedTrace analyzed = analyze(trace);
  EXPECT_TRUE(harness::sent_after_reset(only_connection(analyzed), Side::client));
  EXPECT_FALSE(harness::sent_after_reset(only_connection(analyzed), Side::server));
}

TEST(WireChecks, TimesEverySynTheClientSent) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.client(1.000).syn(1000);
  trace.client(3.000).syn(1000);
  AnalyzedTrace analyzed = analyze(trace);
  std::vector<double> times = harness::syn_times(only_connection(analyzed));
  ASSERT_EQ(times.size(), 3u);
  EXPECT_NEAR(times[1], 1.0, 1e-6);
  EXPECT_NEAR(times[2], 3.0, 1e-6);
}

TEST(WireChecks, TimesKeepaliveProbesAndLeavesOutZeroWindowProbes) {
  SyntheticTrace trace;
  handshake(trace);
  trace.server(1.000).ack(5000, 1001);
  trace.client(1.001).ack(1001, 5001).window(0);
  trace.server(2.000).ack(5000, 1001);  // the client's window is shut: a zero window probe
  AnalyzedTrace analyzed = analyze(trace);
  std::vector<double> probes =
      harness::keepalive_probe_times(only_connection(analyzed), Side::server);
  ASSERT_EQ(probes.size(), 1u);
  EXPECT_NEAR(probes[0], 1.0, 1e-6);
}

TEST(WireChecks, LeavesOutAZeroWindowProbeThatCrossedTheWindowUpdate) {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.100).ack(1001, 5001).window(0);
  // The client opens its window; the server's probe, sent while it still saw the window shut,
  // is captured 2 ms later, so in the capture the window is open when the probe passes.
  trace.client(0.300).ack(1001, 5001).window(65535);
  trace.server(0.302).ack(5000, 1001);
  AnalyzedTrace analyzed = analyze(trace);
  EXPECT_TRUE(harness::keepalive_probe_times(only_connection(analyzed), Side::server).empty());
}

TEST(WireChecks, FindsTheLatestConnectionOfAClient) {
  SyntheticTrace trace;
  trace.flow({.client_port = 40000}).client(0.0).syn(1);
  trace.flow({.client_port = 40001}).client(0.1).syn(2);
  AnalyzedTrace analyzed = analyze(trace);
  harness::TcpEndpoint wanted = analyzed.connections.at(1).client;
  auto found = harness::connection_of(analyzed.contents.segments, wanted);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->client, wanted);
  EXPECT_FALSE(harness::connection_of(analyzed.contents.segments, harness::TcpEndpoint{}));
}

}  // namespace
}  // namespace socklab::trace_test
