// The tcp.analysis vocabulary of Wireshark, one bit per flag, so that a ladder diagram and a
// wire check say "zero window probe" for exactly the segments Wireshark would.
#pragma once

#include <cstdint>
#include <string>

namespace socklab::harness {

using AnalysisFlags = std::uint32_t;

enum AnalysisFlag : AnalysisFlags {
  kRetransmission = 1u << 0,          // data or SYN/FIN sent again below the next sequence
  kFastRetransmission = 1u << 1,      // ... right after the receiver's duplicate ACKs
  kSpuriousRetransmission = 1u << 2,  // ... of data the receiver had already acknowledged
  kOutOfOrder = 1u << 3,              // ... within a moment of a later segment: reordered
  kLostSegment = 1u << 4,             // a gap before this segment: not captured, or lost
  kAckedUnseenSegment = 1u << 5,      // acknowledges data the capture never saw
  kDuplicateAck = 1u << 6,            // the same ACK again, nothing new: the receiver saw a gap
  kZeroWindow = 1u << 7,              // "my receive buffer is full, stop sending"
  kZeroWindowProbe = 1u << 8,         // one byte pushed into a zero window to see if it opened
  kZeroWindowProbeAck = 1u << 9,      // the answer to it, window still zero
  kWindowFull = 1u << 10,             // this segment fills the receiver's advertised window
  kWindowUpdate = 1u << 11,           // nothing new but a different window: "send again"
  kKeepAlive = 1u << 12,              // a keepalive probe: seq one below the next
  kKeepAliveAck = 1u << 13,           // the peer's answer to a probe
  kReusedPorts = 1u << 14,            // a SYN on a 4-tuple seen before, new initial sequence
};

inline constexpr AnalysisFlag kAllAnalysisFlags[] = {
    kRetransmission,     kFastRetransmission, kSpuriousRetransmission,
    kOutOfOrder,         kLostSegment,        kAckedUnseenSegment,
    kDuplicateAck,       kZeroWindow,         kZeroWindowProbe,
    kZeroWindowProbeAck, kWindowFull,         kWindowUpdate,
    kKeepAlive,          kKeepAliveAck,       kReusedPorts,
};

// The words Wireshark's packet list shows: "TCP ZeroWindow", "TCP Keep-Alive", ...
const char* analysis_label(AnalysisFlag flag);
// The display filter field: "tcp.analysis.zero_window", ...
const char* analysis_field(AnalysisFlag flag);
// Labels of every flag set, comma-separated: "TCP Dup ACK, TCP Window Full"; empty if none.
std::string analysis_labels(AnalysisFlags flags);

}  // namespace socklab::harness
