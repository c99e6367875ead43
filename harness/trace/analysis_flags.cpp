#include "harness/trace/analysis_flags.hpp"

namespace socklab::harness {

const char* analysis_label(AnalysisFlag flag) {
  switch (flag) {
    case kRetransmission:
      return "TCP Retransmission";
    case kFastRetransmission:
      return "TCP Fast Retransmission";
    case kSpuriousRetransmission:
      return "TCP Spurious Retransmission";
    case kOutOfOrder:
      return "TCP Out-Of-Order";
    case kLostSegment:
      return "TCP Previous segment not captured";
    case kAckedUnseenSegment:
      return "TCP ACKed unseen segment";
    case kDuplicateAck:
      return "TCP Dup ACK";
    case kZeroWindow:
      return "TCP ZeroWindow";
    case kZeroWindowProbe:
      return "TCP ZeroWindowProbe";
    case kZeroWindowProbeAck:
      return "TCP ZeroWindowProbeAck";
    case kWindowFull:
      return "TCP Window Full";
    case kWindowUpdate:
      return "TCP Window Update";
    case kKeepAlive:
      return "TCP Keep-Alive";
    case kKeepAliveAck:
      return "TCP Keep-Alive ACK";
    case kReusedPorts:
      return "TCP Port numbers reused";
  }
  return "?";
}

const char* analysis_field(AnalysisFlag flag) {
  switch (flag) {
    case kRetransmission:
      return "tcp.analysis.retransmission";
    case kFastRetransmission:
      return "tcp.analysis.fast_retransmission";
    case kSpuriousRetransmission:
      return "tcp.analysis.spurious_retransmission";
    case kOutOfOrder:
      return "tcp.analysis.out_of_order";
    case kLostSegment:
      return "tcp.analysis.lost_segment";
    case kAckedUnseenSegment:
      return "tcp.analysis.ack_lost_segment";
    case kDuplicateAck:
      return "tcp.analysis.duplicate_ack";
    case kZeroWindow:
      return "tcp.analysis.zero_window";
    case kZeroWindowProbe:
      return "tcp.analysis.zero_window_probe";
    case kZeroWindowProbeAck:
      return "tcp.analysis.zero_window_probe_ack";
    case kWindowFull:
      return "tcp.analysis.window_full";
    case kWindowUpdate:
      return "tcp.analysis.window_update";
    case kKeepAlive:
      return "tcp.analysis.keep_alive";
    case kKeepAliveAck:
      return "tcp.analysis.keep_alive_ack";
    case kReusedPorts:
      return "tcp.analysis.reused_ports";
  }
  return "?";
}

std::string analysis_labels(AnalysisFlags flags) {
  std::string labels;
  for (AnalysisFlag flag : kAllAnalysisFlags) {
    if (!(flags & flag)) continue;
    if (!labels.empty()) labels += ", ";
    labels += analysis_label(flag);
  }
  return labels;
}

}  // namespace socklab::harness
