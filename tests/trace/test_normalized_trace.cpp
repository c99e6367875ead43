// The normalized trace: what a capture means, written so that it does not change between runs.
// Each test builds the wire by hand and checks the one fact it is about.
#include <gtest/gtest.h>

#include "harness/trace/normalized_trace.hpp"
#include "tests/trace/analyzed_trace.hpp"

namespace socklab::trace_test {
namespace {

using harness::NormalizedTrace;

// A connection that opens, carries `bytes` each way (one segment), and closes client first.
void echo_connection(SyntheticTrace::Flow flow, double start, std::uint32_t bytes) {
  flow.client(start).syn(1000);
  flow.server(start + 0.001).syn_ack(5000, 1001);
  flow.client(start + 0.002).ack(1001, 5001);
  flow.client(start + 0.003).ack(1001, 5001).data(bytes);
  flow.server(start + 0.004).ack(5001, 1001 + bytes).data(bytes);
  flow.client(start + 0.005).fin(1001 + bytes, 5001 + bytes);
  flow.server(start + 0.006).fin(5001 + bytes, 1002 + bytes);
  flow.client(start + 0.007).ack(1002 + bytes, 5002 + bytes);
}

NormalizedTrace normalized(const SyntheticTrace& trace) {
  return harness::normalize(analyze(trace).connections);
}

std::string fact(const NormalizedTrace& trace, const std::string& key, std::size_t block = 0) {
  const harness::TraceFact* found = trace.connections.at(block).fact(key);
  return found ? found->value_text() : "(missing)";
}

TEST(NormalizedTrace, SaysWhatEachSideSentAndHowItClosed) {
  SyntheticTrace trace;
  echo_connection(trace.flow({}), 0, 100);
  NormalizedTrace result = normalized(trace);
  ASSERT_EQ(result.connections.size(), 1u);
  EXPECT_EQ(fact(result, "handshake"), "complete");
  EXPECT_EQ(fact(result, "client SYNs"), "1");
  EXPECT_EQ(fact(result, "client sends"), "100 bytes, then FIN");
  EXPECT_EQ(fact(result, "server sends"), "100 bytes, then FIN");
  EXPECT_EQ(fact(result, "first to close"), "client FIN");
}

TEST(NormalizedTrace, ReportsAResetInsteadOfAFinAndWhoSentItFirst) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.001).syn_ack(5000, 1001);
  trace.client(0.002).ack(1001, 5001).data(50);
  trace.server(0.003).ack(5001, 1051).data(40);
  trace.server(0.004).rst_ack(5041, 1051);
  NormalizedTrace result = normalized(trace);
  EXPECT_EQ(fact(result, "server sends"), "40 bytes, then RST");
  EXPECT_EQ(fact(result, "client sends"), "50 bytes, until the server's RST");
  EXPECT_EQ(fact(result, "first to close"), "server RST");
}

// A segment overtaken on the way by the client's RST reaches a socket that is gone, and the
// server's kernel answers it with a RST of its own: that is not the server closing.
TEST(NormalizedTrace, LeavesOutAResetAnsweringAStragglerAfterThePeersReset) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.001).syn_ack(5000, 1001);
  trace.client(0.002).ack(1001, 5001).data(100);
  trace.client(0.003).rst(1201);                  // the client aborts
  trace.client(0.004).ack(1101, 5001).data(100);  // overtaken on the way: arrives after the RST
  trace.server(0.005).rst(5001);                  // answered by the server's kernel
  NormalizedTrace result = normalized(trace);
  EXPECT_EQ(fact(result, "server sends"), "0 bytes, until the client's RST");
  EXPECT_EQ(fact(result, "first to close"), "client RST");
}

TEST(NormalizedTrace, CallsASynAnsweredByResetRefused) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.001).rst_ack(0, 1001);
  EXPECT_EQ(fact(normalized(trace), "handshake"), "refused (RST answered the SYN)");
}

TEST(NormalizedTrace, CountsRetransmittedSyns) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.client(1.000).syn(1000);
  trace.client(3.000).syn(1000);
  NormalizedTrace result = normalized(trace);
  EXPECT_EQ(fact(result, "handshake"), "SYN unanswered");
  EXPECT_EQ(fact(result, "client SYNs"), "3");
}

// A window that stays shut is a reader that stopped; one that opens within moments is timing.
TEST(NormalizedTrace, KeepsAZeroWindowHeldForAWhileAndDropsAPassingOne) {
  for (double held : {0.3, 1.5}) {
    SyntheticTrace trace;
    trace.client(0.000).syn(1000);
    trace.server(0.001).syn_ack(5000, 1001);
    trace.client(0.002).ack(1001, 5001);
    trace.server(0.003).ack(5001, 1001).data(1000);
    trace.client(0.004).ack(1001, 6001).window(0);
    trace.client(0.004 + held).ack(1001, 6001).window(1000);
    NormalizedTrace result = normalized(trace);
    EXPECT_EQ(fact(result, "zero window held by"), held >= 1.0 ? "client" : "none")
        << "held " << held << " s";
  }
}

TEST(NormalizedTrace, CountsKeepaliveProbesButNotZeroWindowProbes) {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000);
  trace.server(0.001).syn_ack(5000, 1001);
  trace.client(0.002).ack(1001, 5001);
  trace.server(1.000).ack(5000, 1001);  // keepalive: one below the next byte, window open
  trace.client(1.001).ack(1001, 5001);
  trace.server(2.000).ack(5000, 1001);
  trace.client(2.001).ack(1001, 5001).window(0);  // from now on the client's window is shut
  trace.server(3.000).ack(5000, 1001);            // same shape: a zero window probe
  EXPECT_EQ(fact(normalized(trace), "keepalive probes"), "server 2");
}

TEST(NormalizedTrace, FoldsConnectionsThatMeanTheSameIntoOneBlockWithACount) {
  SyntheticTrace trace;
  for (std::uint16_t i = 0; i < 3; ++i)
    echo_connection(trace.flow({.client_port = std::uint16_t(50000 + i)}), i, 100);
  echo_connection(trace.flow({.client_port = 50010}), 5, 7);
  NormalizedTrace result = normalized(trace);
  ASSERT_EQ(result.connections.size(), 2u);
  EXPECT_EQ(result.connections[0].count, 3u);
  EXPECT_EQ(result.connections[1].count, 1u);
  EXPECT_EQ(fact(result, "client sends", 1), "7 bytes, then FIN");
}

TEST(NormalizedTrace, ReadsBackWhatItWrites) {
  SyntheticTrace trace;
  echo_connection(trace.flow({}), 0, 100);
  NormalizedTrace written = normalized(trace);
  written.comments = {"echo/half-close"};
  NormalizedTrace read = harness::parse_normalized_trace(harness::to_text(written));
  EXPECT_EQ(harness::to_text(read), harness::to_text(written));
  EXPECT_EQ(read.comments, written.comments);
}

TEST(NormalizedTrace, AcceptsAnyOfTheOutcomesAGoldenLists) {
  NormalizedTrace golden = harness::parse_normalized_trace(
      "# socklab normalized trace, format 1\nconnection x1\n  zero window held by: none | "
      "client\n");
  const harness::TraceFact& accepted = golden.connections[0].facts[0];
  EXPECT_EQ(accepted.accepted, (std::vector<std::string>{"none", "client"}));
  EXPECT_TRUE(accepted.accepts({"zero window held by", {"client"}}));
  EXPECT_FALSE(accepted.accepts({"zero window held by", {"server"}}));
}

TEST(NormalizedTrace, NamesTheLineThatIsNotInTheFormat) {
  try {
    harness::parse_normalized_trace(
        "# socklab normalized trace, format 1\nconnection x1\n  no colon here\n");
    FAIL() << "a malformed line was accepted";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("line 3"), std::string::npos) << error.what();
  }
  EXPECT_THROW(harness::parse_normalized_trace("not a trace\n"), std::runtime_error);
  // A misspelt fact in a hand-edited golden would otherwise blame the student.
  EXPECT_THROW(
      harness::parse_normalized_trace(
          "# socklab normalized trace, format 1\nconnection x1\n  zero windw held by: none\n"),
      std::runtime_error);
  EXPECT_THROW(
      harness::parse_normalized_trace("# socklab normalized trace, format 1\nconnection x0\n"),
      std::runtime_error);
}

}  // namespace
}  // namespace socklab::trace_test
