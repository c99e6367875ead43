#include "harness/trace/tcp_analysis.hpp"

#include <array>
#include <cmath>
#include <optional>

namespace socklab::harness {
namespace {

// Sequence numbers wrap at 2^32: compare them by their signed distance (RFC 793, 3.3).
bool seq_less(std::uint32_t a, std::uint32_t b) { return static_cast<std::int32_t>(a - b) < 0; }
bool seq_greater(std::uint32_t a, std::uint32_t b) { return seq_less(b, a); }

// Capture times are whole microseconds, but seconds since 1970 in a double are good only to
// 0.24 us: time differences are compared in whole microseconds, as Wireshark compares integers.
long long microseconds(double seconds) { return std::llround(seconds * 1e6); }

// What one direction of the connection has shown so far, in Wireshark's terms.
struct DirectionState {
  std::optional<std::uint32_t> next_seq;  // "next expected sequence number"
  double next_seq_time = 0;               // when next_seq last advanced
  std::optional<std::uint32_t> max_seq_to_be_acked;
  // The acknowledgment field of its last segment, ACK flag or not (a RST carries 0): Wireshark
  // keeps it that way, and 0 means "not known".
  std::optional<std::uint32_t> last_ack;
  double last_ack_time = 0;
  std::optional<std::uint16_t> window;  // the last window field it sent, unscaled
  std::uint64_t window_bytes = 0;       // ... and scaled
  AnalysisFlags last_flags = 0;
  int duplicate_acks = 0;
  bool sent_syn = false;
};

// Reordering is told from retransmission by time: a segment below the next sequence number
// that comes within one round trip of the newest one was most likely overtaken on the way,
// not sent again. Wireshark takes the handshake's round trip, or 3 ms without one.
double reorder_threshold(const TcpConnection& connection) {
  const auto& segments = connection.segments;
  if (segments.size() >= 3 && segments[0].segment.syn() && !segments[0].segment.has_ack() &&
      segments[1].segment.syn() && segments[1].segment.has_ack() &&
      segments[2].from == Side::client && !segments[2].segment.syn()) {
    return segments[2].segment.time - segments[0].segment.time;
  }
  return 0.003;
}

// The checks that look at the flow in the sender's direction, in Wireshark's order; returns
// the flags found, and whether a "goto finished" rule matched (no later check applies).
AnalysisFlags forward_flags(const ConnectionSegment& entry, const DirectionState& forward,
                            const DirectionState& reverse) {
  const TcpSegment& segment = entry.segment;
  const std::uint32_t length = segment.payload_bytes;
  const bool control = segment.syn() || segment.fin() || segment.rst();
  const bool at_next = forward.next_seq && segment.seq == *forward.next_seq;
  AnalysisFlags flags = 0;

  if (length == 1 && at_next && reverse.window && *reverse.window == 0) return kZeroWindowProbe;
  if (segment.window == 0 && !control) flags |= kZeroWindow;
  if (forward.next_seq && seq_greater(segment.seq, *forward.next_seq) && !segment.rst()) {
    flags |= kLostSegment;
  }
  if (length <= 1 && !control && forward.next_seq && *forward.next_seq - 1 == segment.seq) {
    flags |= kKeepAlive;
  }
  const bool same_ack = forward.last_ack && segment.ack == *forward.last_ack;
  const bool pure = length == 0 && !control && at_next;
  if (pure && segment.window != 0 && forward.window && segment.window != *forward.window &&
      same_ack) {
    flags |= kWindowUpdate;
  }
  if (length > 0 && !control && reverse.sent_syn && reverse.window && reverse.last_ack &&
      segment.seq + length ==
          static_cast<std::uint32_t>(*reverse.last_ack + reverse.window_bytes)) {
    flags |= kWindowFull;
  }
  const bool window_unchanged = forward.window && segment.window == *forward.window;
  if (pure && segment.window != 0 && window_unchanged && same_ack &&
      (reverse.last_flags & kKeepAlive)) {
    return flags | kKeepAliveAck;
  }
  if (pure && segment.window == 0 && window_unchanged && (reverse.last_flags & kZeroWindowProbe) &&
      forward.last_ack &&
      (segment.ack == *forward.last_ack || segment.ack == *forward.last_ack + 1)) {
    return flags | kZeroWindowProbeAck;
  }
  if (pure && segment.window != 0 && window_unchanged && same_ack) flags |= kDuplicateAck;
  return flags;
}

}  // namespace

void analyze_connection(TcpConnection& connection) {
  std::array<DirectionState, 2> state;
  const double reorder_window = reorder_threshold(connection);
  for (ConnectionSegment& entry : connection.segments) {
    DirectionState& forward = state[static_cast<int>(entry.from)];
    DirectionState& reverse = state[1 - static_cast<int>(entry.from)];
    const TcpSegment& segment = entry.segment;
    const double now = segment.time;
    AnalysisFlags flags = forward_flags(entry, forward, reverse);

    // The count of duplicate ACKs restarts only when the acknowledgment number moves: a window
    // update in between (the receiver read some data) still leaves the sender one hole to fill.
    if (!forward.last_ack || segment.ack != *forward.last_ack) forward.duplicate_acks = 0;
    if (flags & kDuplicateAck) ++forward.duplicate_acks;
    if (segment.has_ack() && reverse.max_seq_to_be_acked &&
        seq_greater(segment.ack, *reverse.max_seq_to_be_acked)) {
      flags |= kAckedUnseenSegment;
      reverse.max_seq_to_be_acked = reverse.next_seq;
    }

    const std::uint32_t length = segment.payload_bytes;
    const bool occupies_sequence = length > 0 || segment.syn() || segment.fin();
    if (occupies_sequence && !(flags & (kKeepAlive | kZeroWindowProbe)) && forward.next_seq &&
        seq_less(segment.seq, *forward.next_seq)) {
      if (length > 0 && reverse.last_ack && !seq_greater(segment.seq + length, *reverse.last_ack)) {
        // Everything in it was acknowledged already; Wireshark flags it a retransmission too.
        flags |= kSpuriousRetransmission | kRetransmission;
      } else if (reverse.duplicate_acks >= 2 && reverse.last_ack &&
                 *reverse.last_ack == segment.seq &&
                 microseconds(now - reverse.last_ack_time) < 20'000) {
        flags |= kFastRetransmission | kRetransmission;
      } else if (microseconds(now - forward.next_seq_time) < microseconds(reorder_window) &&
                 *forward.next_seq != segment.seq + length) {
        flags |= kOutOfOrder;
      } else {
        flags |= kRetransmission;
      }
    }

    // A RST ends the flow and occupies no sequence space: it moves nothing forward (a forged
    // RST off by one must not make the next real segment look retransmitted).
    std::uint32_t next = segment.seq + segment.sequence_length();
    if (!(flags & (kKeepAlive | kZeroWindowProbe)) && !segment.rst() &&
        (!forward.next_seq || seq_greater(next, *forward.next_seq))) {
      forward.next_seq = next;
      forward.next_seq_time = now;
    }
    if (occupies_sequence && !(flags & kZeroWindowProbe) &&
        (!forward.max_seq_to_be_acked || segment.seq == *forward.max_seq_to_be_acked)) {
      forward.max_seq_to_be_acked = forward.next_seq;
    }
    forward.last_ack_time = now;
    forward.last_ack = segment.ack == 0 ? std::nullopt : std::optional<std::uint32_t>(segment.ack);
    forward.window = segment.window;
    forward.window_bytes = entry.window_bytes;
    forward.last_flags = flags;
    if (segment.syn()) forward.sent_syn = true;
    entry.analysis |= flags;
  }
}

}  // namespace socklab::harness
