// The tcp.analysis flags of synthetic captures (analysis_scenarios.cpp), written to a file and
// read back as `socklab trace show` reads one. Each test compares the flags of every frame: the
// frame that must carry the event's flag is named, and any flag on another frame fails the
// test as surely as a missing one. The expected flags are the ones tshark sets on the same
// captures (test_tshark_agreement.cpp checks that).
#include <gtest/gtest.h>

#include "harness/trace/analysis_flags.hpp"
#include "harness/trace/tcp_connection.hpp"
#include "tests/trace/analysis_scenarios.hpp"
#include "tests/trace/analyzed_trace.hpp"

namespace socklab::harness {
namespace {

using trace_test::analyze;
using trace_test::FrameFlags;
namespace scenarios = trace_test::scenarios;

// Bytes sent again long after anything newer, with no duplicate ACKs before: the sender's
// retransmission timer fired.
TEST(Analysis, FlagsDataSentAgainAfterTheTimeoutAsARetransmission) {
  EXPECT_EQ(analyze(scenarios::retransmission()).flags, (FrameFlags{{5, kRetransmission}}));
}

// Two duplicate ACKs for 1101, then 1101 again within 20 ms: fast retransmit (RFC 5681, 3.2).
// Wireshark sets tcp.analysis.retransmission on a fast retransmission as well.
TEST(Analysis, FlagsDataResentRightAfterDuplicateAcksAsAFastRetransmission) {
  EXPECT_EQ(
      analyze(scenarios::fast_retransmission()).flags,
      (FrameFlags{
          {9, kDuplicateAck}, {10, kDuplicateAck}, {11, kRetransmission | kFastRetransmission}}));
}

// A window update between the duplicate ACKs does not restart their count: the hole is still
// there, and the data resent right after is a fast retransmission.
TEST(Analysis, KeepsCountingDuplicateAcksAcrossAWindowUpdate) {
  EXPECT_EQ(analyze(scenarios::fast_retransmission_after_a_window_update()).flags,
            (FrameFlags{{9, kDuplicateAck},
                        {10, kDuplicateAck},
                        {11, kWindowUpdate},
                        {12, kRetransmission | kFastRetransmission}}));
}

// The 20 ms run from the receiver's last segment, not from the first ACK that was repeated.
TEST(Analysis, CountsTheFastRetransmissionWindowFromTheLastDuplicateAck) {
  EXPECT_EQ(analyze(scenarios::fast_retransmission_after_slow_duplicate_acks()).flags,
            (FrameFlags{{10, kDuplicateAck},
                        {11, kDuplicateAck},
                        {12, kDuplicateAck},
                        {13, kRetransmission | kFastRetransmission}}));
}

// The ACK for 1001-1100 was captured before the data was sent again: the receiver had it all,
// the timer fired only because that ACK was lost on its way back.
TEST(Analysis, FlagsDataResentAfterItWasAckedAsASpuriousRetransmission) {
  EXPECT_EQ(analyze(scenarios::spurious_retransmission()).flags,
            (FrameFlags{{6, kRetransmission | kSpuriousRetransmission}}));
}

// A retransmission that also carries new bytes moves the next expected sequence number past
// them, so the segment after it leaves no gap.
TEST(Analysis, FollowsARetransmissionThatCarriesNewBytes) {
  EXPECT_EQ(analyze(scenarios::retransmission_with_new_bytes()).flags,
            (FrameFlags{{5, kRetransmission}}));
}

// 1201 arrived before 1101, and 1101 came 1 ms later, within the 20 ms first round trip: the
// network reordered them; nothing was sent twice.
TEST(Analysis, FlagsASegmentOvertakenOnTheWayAsOutOfOrder) {
  EXPECT_EQ(analyze(scenarios::out_of_order()).flags,
            (FrameFlags{{5, kLostSegment}, {6, kOutOfOrder}}));
}

// "Within one round trip" is strict, and exact to the microsecond: a resend exactly one initial
// round trip after the newest segment is a retransmission, not a reordering.
TEST(Analysis, FlagsASegmentResentExactlyOneRoundTripAfterTheNewestAsARetransmission) {
  EXPECT_EQ(analyze(scenarios::retransmission_one_round_trip_after_the_newest()).flags,
            (FrameFlags{{6, kRetransmission}}));
}

// A timestamp a little behind the newest segment's is still within the round trip: out of
// order. (tshark says retransmission: it subtracts the times as unsigned integers.)
TEST(Analysis, FlagsASegmentStampedBeforeTheNewestAsOutOfOrder) {
  EXPECT_EQ(analyze(scenarios::segment_stamped_before_the_newest()).flags,
            (FrameFlags{{5, kLostSegment}, {6, kOutOfOrder}}));
}

// A RST occupies no sequence space, so its sequence number is not the next one expected: the
// data after it continues the stream. (tshark moves its next sequence number to the RST's.)
TEST(Analysis, DoesNotLetARstMoveTheNextExpectedSequenceNumber) {
  EXPECT_EQ(analyze(scenarios::data_captured_after_the_rst()).flags, FrameFlags{});
}

// 1201 follows 1001-1100: bytes 1101-1200 are missing from the capture.
TEST(Analysis, FlagsTheSegmentAfterAGapAsPreviousSegmentNotCaptured) {
  EXPECT_EQ(analyze(scenarios::lost_segment()).flags, (FrameFlags{{5, kLostSegment}}));
}

// The server acknowledges up to 1201 when the capture holds data only up to 1100.
TEST(Analysis, FlagsAnAckForBytesTheCaptureNeverSawAsAckedUnseen) {
  EXPECT_EQ(analyze(scenarios::acked_unseen_segment()).flags,
            (FrameFlags{{5, kAckedUnseenSegment}}));
}

// The capture dropped 1101-1200 but the receiver got them: the ACK up to 1301 covers bytes the
// capture never saw, even though a later segment (1201-1300) was seen.
TEST(Analysis, FlagsTheAckThatCoversAGapInTheCaptureAsAckedUnseen) {
  EXPECT_EQ(analyze(scenarios::acked_segment_missing_from_capture()).flags,
            (FrameFlags{{5, kLostSegment}, {6, kAckedUnseenSegment}}));
}

// The same ACK number and window again, no data: the receiver got a segment beyond a hole.
TEST(Analysis, FlagsTheSameAckRepeatedWithoutDataAsADuplicateAck) {
  EXPECT_EQ(analyze(scenarios::duplicate_ack()).flags, (FrameFlags{{8, kDuplicateAck}}));
}

TEST(Analysis, FlagsAnAckAdvertisingNoRoomAsZeroWindow) {
  EXPECT_EQ(analyze(scenarios::zero_window()).flags, (FrameFlags{{5, kZeroWindow}}));
}

// One byte at the next sequence number into a window of zero: the persist timer's probe.
TEST(Analysis, FlagsOneByteSentIntoAZeroWindowAsAZeroWindowProbe) {
  EXPECT_EQ(analyze(scenarios::zero_window_probe()).flags,
            (FrameFlags{{5, kZeroWindow}, {6, kZeroWindowProbe}}));
}

// The answer to a probe that repeats the ACK with the window still zero is still a zero window.
TEST(Analysis, FlagsTheAnswerThatKeepsTheWindowClosedAsAZeroWindowProbeAck) {
  EXPECT_EQ(analyze(scenarios::zero_window_probe_ack()).flags,
            (FrameFlags{
                {5, kZeroWindow}, {6, kZeroWindowProbe}, {7, kZeroWindow | kZeroWindowProbeAck}}));
}

// A probe byte that was not taken was not sent: the second probe is a probe again (not a
// keep-alive), and the data at that sequence number once the window opens is not resent data.
TEST(Analysis, FlagsEveryProbeOfAZeroWindowAndNotTheDataAfterItOpens) {
  EXPECT_EQ(analyze(scenarios::zero_window_probes_until_it_opens()).flags,
            (FrameFlags{{5, kZeroWindow},
                        {6, kZeroWindowProbe},
                        {7, kZeroWindow | kZeroWindowProbeAck},
                        {8, kZeroWindowProbe},
                        {9, kZeroWindow | kZeroWindowProbeAck},
                        {10, kWindowUpdate}}));
}

// The server offered 300 bytes from 1001; the third 100-byte segment ends exactly at 1301.
TEST(Analysis, FlagsTheSegmentThatFillsTheAdvertisedWindowAsWindowFull) {
  EXPECT_EQ(analyze(scenarios::window_full()).flags, (FrameFlags{{6, kWindowFull}}));
}

// Sequence numbers wrap at 2^32: a window that ends past the wrap is full all the same.
TEST(Analysis, FlagsWindowFullWhenTheWindowEndsPastTheSequenceWrap) {
  trace_test::SyntheticTrace trace;
  const std::uint32_t isn = 0xFFFFFF00u;  // the first data byte is 0xFFFFFF01; 300 bytes wrap
  trace.client(0.000).syn(isn).mss(1460);
  trace.server(0.010).syn_ack(5000, isn + 1).mss(1460).window(300);
  trace.client(0.020).ack(isn + 1, 5001);
  trace.client(0.030).ack(isn + 1, 5001).data(100);    // 4
  trace.client(0.031).ack(isn + 101, 5001).data(100);  // 5
  trace.client(0.032).ack(isn + 201, 5001).data(100);  // 6: ends at isn + 301, past 2^32
  EXPECT_EQ(analyze(trace).flags, (FrameFlags{{6, kWindowFull}}));
}

// Without the SYNs the window scale is unknown, so the window in bytes is too.
TEST(Analysis, DoesNotFlagWindowFullWhenTheWindowScaleIsUnknown) {
  EXPECT_EQ(analyze(scenarios::window_full_without_handshake()).flags, FrameFlags{});
}

// Same ACK, no data, a larger window: the application read, and the receiver says so.
TEST(Analysis, FlagsTheSameAckWithADifferentWindowAsAWindowUpdate) {
  EXPECT_EQ(analyze(scenarios::window_update()).flags, (FrameFlags{{6, kWindowUpdate}}));
}

// After an idle time, an empty segment one below the next sequence number: Linux's keepalive
// probe, which forces the peer to answer with an ACK.
TEST(Analysis, FlagsAnEmptySegmentOneBelowTheNextSequenceAsAKeepAlive) {
  EXPECT_EQ(analyze(scenarios::keep_alive()).flags, (FrameFlags{{6, kKeepAlive}}));
}

TEST(Analysis, FlagsThePeersRepeatedAckAfterAProbeAsAKeepAliveAck) {
  EXPECT_EQ(analyze(scenarios::keep_alive_ack()).flags,
            (FrameFlags{{6, kKeepAlive}, {7, kKeepAliveAck}}));
}

// A SYN with a new initial sequence number on the 4-tuple of a closed connection.
TEST(Analysis, FlagsANewSynOnTheSamePortsAsReusedPorts) {
  EXPECT_EQ(analyze(scenarios::reused_ports()).flags, (FrameFlags{{7, kReusedPorts}}));
}

TEST(Analysis, StartsANewConnectionWhenThePortsAreReused) {
  auto trace = analyze(scenarios::reused_ports());
  ASSERT_EQ(trace.connections.size(), 2u);
  EXPECT_EQ(trace.connections[0].segments.size(), 6u);
  EXPECT_EQ(trace.connections[1].segments.front().segment.frame, 7u);
}

// The same ISN means the same connection attempt: the SYN was sent again after the 1 s
// initial retransmission timeout.
TEST(Analysis, FlagsASynSentAgainWithTheSameIsnAsARetransmission) {
  EXPECT_EQ(analyze(scenarios::syn_retransmission()).flags, (FrameFlags{{2, kRetransmission}}));
}

TEST(Analysis, KeepsASynSentAgainWithTheSameIsnInOneConnection) {
  auto trace = analyze(scenarios::syn_retransmission());
  ASSERT_EQ(trace.connections.size(), 1u);
  EXPECT_EQ(trace.connections[0].segments.size(), 4u);
}

TEST(Analysis, RecordsTheSynOfTheClientAndTheSynAckOfTheServer) {
  auto trace = analyze(scenarios::close_by_both_sides());
  const ConnectionSegment& syn = trace.frame(1);
  EXPECT_EQ(syn.from, Side::client);
  EXPECT_TRUE(syn.segment.syn());
  EXPECT_FALSE(syn.segment.has_ack());
  const ConnectionSegment& syn_ack = trace.frame(2);
  EXPECT_EQ(syn_ack.from, Side::server);
  EXPECT_TRUE(syn_ack.segment.syn());
  EXPECT_TRUE(syn_ack.segment.has_ack());
}

TEST(Analysis, RecordsTheFinOfEachSide) {
  auto trace = analyze(scenarios::close_by_both_sides());
  EXPECT_EQ(trace.frame(4).from, Side::client);
  EXPECT_TRUE(trace.frame(4).segment.fin());
  EXPECT_EQ(trace.frame(5).from, Side::server);
  EXPECT_TRUE(trace.frame(5).segment.fin());
}

// An orderly close is no event: the FINs take one sequence number each and nothing is flagged.
TEST(Analysis, FlagsNothingInAnOrderlyClose) {
  EXPECT_EQ(analyze(scenarios::close_by_both_sides()).flags, FrameFlags{});
}

TEST(Analysis, RecordsARstFromTheClient) {
  auto trace = analyze(scenarios::reset_by_client());
  EXPECT_EQ(trace.frame(4).from, Side::client);
  EXPECT_TRUE(trace.frame(4).segment.rst());
}

TEST(Analysis, RecordsARstFromTheServer) {
  auto trace = analyze(scenarios::reset_by_server());
  EXPECT_EQ(trace.frame(5).from, Side::server);
  EXPECT_TRUE(trace.frame(5).segment.rst());
  EXPECT_FALSE(trace.frame(5).segment.has_ack());
}

}  // namespace
}  // namespace socklab::harness
