// The synthetic captures of the analysis tests: one short ladder per tcp.analysis event, each
// made the way that event happens on a real connection. test_analysis.cpp says which frame
// must carry which flag; test_tshark_agreement.cpp runs every one of them through Wireshark.
//
// Each starts with the same handshake (frames 1-3): the client's initial sequence number is
// 1000 and the server's 5000, so the first data byte of each is 1001 and 5001 (relative 1).
// The SYN leaves at 0 ms and the handshake's last ACK at 20 ms: Wireshark takes that first
// round trip as the time within which a late segment was reordered rather than sent again.
// Data segments carry 100 bytes; windows are 65535 unless a scenario is about the window.
//
// Two scenarios show where socklab deliberately parts from Wireshark (segments stamped out of
// time order, data captured after a RST); test_tshark_agreement.cpp lists both quirks.
#pragma once

#include <string>
#include <vector>

#include "tests/trace/pcap_writer.hpp"

namespace socklab::trace_test::scenarios {

SyntheticTrace retransmission();
SyntheticTrace fast_retransmission();
SyntheticTrace fast_retransmission_after_slow_duplicate_acks();
SyntheticTrace fast_retransmission_after_a_window_update();
SyntheticTrace spurious_retransmission();
SyntheticTrace retransmission_with_new_bytes();
SyntheticTrace out_of_order();
SyntheticTrace retransmission_one_round_trip_after_the_newest();
SyntheticTrace segment_stamped_before_the_newest();
SyntheticTrace data_captured_after_the_rst();
SyntheticTrace lost_segment();
SyntheticTrace acked_unseen_segment();
SyntheticTrace acked_segment_missing_from_capture();
SyntheticTrace duplicate_ack();
SyntheticTrace zero_window();
SyntheticTrace zero_window_probe();
SyntheticTrace zero_window_probe_ack();
SyntheticTrace zero_window_probes_until_it_opens();
SyntheticTrace window_full();
SyntheticTrace window_full_without_handshake();
SyntheticTrace window_update();
SyntheticTrace keep_alive();
SyntheticTrace keep_alive_ack();
SyntheticTrace reused_ports();
SyntheticTrace syn_retransmission();
SyntheticTrace close_by_both_sides();
SyntheticTrace reset_by_client();
SyntheticTrace reset_by_server();

struct Scenario {
  std::string name;  // the function's name
  SyntheticTrace trace;
};

// Every scenario above, in the order they are declared.
std::vector<Scenario> all();

}  // namespace socklab::trace_test::scenarios
