// Comparing traces by TCP meaning: where two traces part, said in words.
#include <gtest/gtest.h>

#include "harness/trace/trace_diff.hpp"

namespace socklab::trace_test {
namespace {

using harness::compare_traces;
using harness::parse_normalized_trace;

harness::NormalizedTrace trace_of(const std::string& server_sends, std::size_t count = 1,
                                  const std::string& zero_window = "none") {
  return parse_normalized_trace(
      "# socklab normalized trace, format 1\n"
      "connection x" +
      std::to_string(count) +
      "\n"
      "  handshake: complete\n"
      "  client sends: 65536 bytes, then FIN\n"
      "  server sends: " +
      server_sends +
      "\n"
      "  first to close: client FIN\n"
      "  zero window held by: " +
      zero_window + "\n");
}

TEST(TraceDiff, FindsNothingBetweenTracesThatMeanTheSame) {
  EXPECT_FALSE(
      compare_traces(trace_of("65536 bytes, then FIN"), trace_of("65536 bytes, then FIN")));
}

TEST(TraceDiff, ExplainsAResetWhereTheReferenceSentFin) {
  auto divergence =
      compare_traces(trace_of("65536 bytes, then FIN"), trace_of("40960 bytes, then RST"));
  ASSERT_TRUE(divergence);
  EXPECT_NE(
      divergence->explanation.find("the reference server sends FIN after 65536 bytes of data; "
                                   "yours sends RST after 40960 bytes of data"),
      std::string::npos)
      << divergence->explanation;
  EXPECT_NE(divergence->explanation.find("SO_LINGER"), std::string::npos)
      << divergence->explanation;
}

// The server did not send the RST: the client reset first. Blaming SO_LINGER would mislead.
TEST(TraceDiff, DoesNotBlameTheServerForThePeersReset) {
  auto divergence = compare_traces(trace_of("65536 bytes, then FIN"),
                                   trace_of("40960 bytes, until the client's RST"));
  ASSERT_TRUE(divergence);
  EXPECT_EQ(divergence->explanation.find("SO_LINGER"), std::string::npos)
      << divergence->explanation;
  EXPECT_NE(divergence->explanation.find("peer reset the connection before"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, ExplainsASideThatNeverCloses) {
  auto divergence =
      compare_traces(trace_of("65536 bytes, then FIN"), trace_of("65536 bytes, still open"));
  ASSERT_TRUE(divergence);
  EXPECT_NE(divergence->explanation.find("never closes"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, ExplainsAMissingZeroWindowAsMissingBackpressure) {
  auto divergence = compare_traces(trace_of("65536 bytes, then FIN", 1, "client, server"),
                                   trace_of("65536 bytes, then FIN", 1, "client"));
  ASSERT_TRUE(divergence);
  EXPECT_NE(divergence->explanation.find("backpressure"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, ComparesHowManyConnectionsBehavedAlike) {
  auto divergence = compare_traces(trace_of("65536 bytes, then FIN", 500),
                                   trace_of("65536 bytes, then FIN", 499));
  ASSERT_TRUE(divergence);
  EXPECT_NE(divergence->explanation.find("the reference made 500"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, ReportsAKindOfConnectionThatIsMissing) {
  harness::NormalizedTrace empty = parse_normalized_trace("# socklab normalized trace, format 1\n");
  auto divergence = compare_traces(trace_of("65536 bytes, then FIN"), empty);
  ASSERT_TRUE(divergence);
  EXPECT_NE(divergence->explanation.find("missing from yours"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, MarksTheDifferingLineInTheSideBySideView) {
  auto divergence =
      compare_traces(trace_of("65536 bytes, then FIN"), trace_of("40960 bytes, then RST"));
  ASSERT_TRUE(divergence);
  int marked = 0;
  for (const std::string& line : divergence->side_by_side) {
    if (line.find("<>") == std::string::npos) continue;
    ++marked;
    EXPECT_NE(line.find("server sends: 40960 bytes, then RST"), std::string::npos) << line;
  }
  EXPECT_EQ(marked, 1);
}

// Two kinds of connection in the golden (a flood and a healthy client); yours has the healthy
// one right and the flood wrong: the flood is explained beside the golden's flood.
TEST(TraceDiff, ExplainsAWrongConnectionBesideTheGoldenBlockItFailedToMatch) {
  harness::NormalizedTrace golden = parse_normalized_trace(
      "# socklab normalized trace, format 1\n"
      "connection x1\n  client sends: 67108864 bytes, then FIN\n  server sends: 67108864 bytes, "
      "then FIN\n"
      "connection x1\n  client sends: 4096 bytes, then FIN\n  server sends: 4096 bytes, then "
      "FIN\n");
  harness::NormalizedTrace yours = parse_normalized_trace(
      "# socklab normalized trace, format 1\n"
      "connection x1\n  client sends: 4096 bytes, then FIN\n  server sends: 4096 bytes, then FIN\n"
      "connection x1\n  client sends: 900 bytes, then RST\n  server sends: 90 bytes, then RST\n");
  auto divergence = compare_traces(golden, yours);
  ASSERT_TRUE(divergence);
  EXPECT_NE(divergence->explanation.find("FIN after 67108864 bytes"), std::string::npos)
      << divergence->explanation;
}

TEST(TraceDiff, AcceptsEveryOutcomeTheGoldenLists) {
  harness::NormalizedTrace golden = trace_of("65536 bytes, then FIN", 1, "none | client");
  EXPECT_FALSE(compare_traces(golden, trace_of("65536 bytes, then FIN", 1, "client")));
  EXPECT_FALSE(compare_traces(golden, trace_of("65536 bytes, then FIN", 1, "none")));
  EXPECT_TRUE(compare_traces(golden, trace_of("65536 bytes, then FIN", 1, "server")));
}

}  // namespace
}  // namespace socklab::trace_test
