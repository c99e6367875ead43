#include "tests/trace/analysis_scenarios.hpp"

namespace socklab::trace_test::scenarios {
namespace {

// Frames 1-3. The server's window is a parameter for the scenarios about a full window.
void handshake(SyntheticTrace& trace, std::uint16_t server_window = 65535) {
  trace.client(0.000).syn(1000).mss(1460);
  trace.server(0.010).syn_ack(5000, 1001).mss(1460).window(server_window);
  trace.client(0.020).ack(1001, 5001);
}

}  // namespace

SyntheticTrace retransmission() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4: bytes 1001-1100; lost on the way
  trace.client(0.330).ack(1001, 5001).data(100);  // 5: no ACK for 300 ms: the RTO fired
  trace.server(0.340).ack(5001, 1101);            // 6
  return trace;
}

SyntheticTrace fast_retransmission() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1101, 5001).data(100);  // 5: lost after the capture point
  trace.client(0.032).ack(1201, 5001).data(100);  // 6
  trace.client(0.033).ack(1301, 5001).data(100);  // 7
  trace.server(0.040).ack(5001, 1101);            // 8: for frame 4
  trace.server(0.042).ack(5001, 1101);            // 9: frame 6 came, 1101 did not: same ACK
  trace.server(0.043).ack(5001, 1101);            // 10: frame 7 came: same ACK again
  trace.client(0.045).ack(1101, 5001).data(100);  // 11: resent at once, no timer
  trace.server(0.055).ack(5001, 1401);            // 12: the hole is filled
  return trace;
}

// Between the duplicate ACKs the receiver reads and says so (a window update, same ACK): the
// count of duplicates goes on, since the hole is still there (seen in poll/vanishing-client).
SyntheticTrace fast_retransmission_after_a_window_update() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);      // 4
  trace.client(0.031).ack(1101, 5001).data(100);      // 5: lost after the capture point
  trace.client(0.032).ack(1201, 5001).data(100);      // 6
  trace.client(0.033).ack(1301, 5001).data(100);      // 7
  trace.server(0.040).ack(5001, 1101);                // 8: for frame 4
  trace.server(0.041).ack(5001, 1101);                // 9: duplicate
  trace.server(0.042).ack(5001, 1101);                // 10: duplicate
  trace.server(0.043).ack(5001, 1101).window(60000);  // 11: window update
  trace.client(0.045).ack(1101, 5001).data(100);      // 12: fast retransmission
  trace.server(0.055).ack(5001, 1401).window(60000);  // 13
  return trace;
}

// The duplicate ACKs come 10 ms apart, so the retransmission is 35 ms after the first ACK for
// 1101 but 5 ms after the last: Wireshark counts its 20 ms from the receiver's latest segment.
SyntheticTrace fast_retransmission_after_slow_duplicate_acks() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1101, 5001).data(100);  // 5: lost after the capture point
  trace.client(0.032).ack(1201, 5001).data(100);  // 6
  trace.client(0.033).ack(1301, 5001).data(100);  // 7
  trace.client(0.034).ack(1401, 5001).data(100);  // 8
  trace.server(0.040).ack(5001, 1101);            // 9: for frame 4
  trace.server(0.050).ack(5001, 1101);            // 10-12: one duplicate per later segment
  trace.server(0.060).ack(5001, 1101);
  trace.server(0.070).ack(5001, 1101);
  trace.client(0.075).ack(1101, 5001).data(100);  // 13
  return trace;
}

SyntheticTrace spurious_retransmission() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101);            // 5: captured here, then lost on its way back
  trace.client(0.330).ack(1001, 5001).data(100);  // 6: the RTO fired for bytes already ACKed
  return trace;
}

// A retransmission may be cut differently from the original (Linux merges segments when it
// resends): this one repeats 50 bytes and carries 50 new ones, so the next segment follows it.
SyntheticTrace retransmission_with_new_bytes() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4: 1001-1100
  trace.client(0.330).ack(1051, 5001).data(100);  // 5: 1051-1150, half of it new
  trace.client(0.331).ack(1151, 5001).data(100);  // 6: 1151-1250, right after frame 5
  return trace;
}

SyntheticTrace out_of_order() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1201, 5001).data(100);  // 5: overtook 1101-1200 on the way
  trace.client(0.032).ack(1101, 5001).data(100);  // 6: 1 ms later, well within a round trip
  trace.server(0.042).ack(5001, 1301);            // 7
  return trace;
}

// On loopback the handshake takes 50 us, and so Wireshark's reordering window is 50 us. The
// resend comes exactly 50 us after the newest segment: not within the window (the comparison
// is strict), so it is a retransmission. At such times, seconds since 1970 held in a double
// (good to 0.24 us) round either way: only whole microseconds compare exactly.
SyntheticTrace retransmission_one_round_trip_after_the_newest() {
  SyntheticTrace trace;
  trace.client(0.000000).syn(1000).mss(65495);
  trace.server(0.000025).syn_ack(5000, 1001).mss(65495);
  trace.client(0.000050).ack(1001, 5001);            // 3: the first round trip is 50 us
  trace.client(0.001000).ack(1001, 5001).data(100);  // 4
  trace.client(0.002000).ack(1101, 5001).data(100);  // 5: the newest
  trace.client(0.002050).ack(1001, 5001).data(100);  // 6: 1001-1100 again, 50 us after frame 5
  return trace;
}

// Frames stamped on different CPUs can go back in time by microseconds: frame 6 overtook
// frame 5 (it fills the gap before it) and carries an earlier timestamp.
SyntheticTrace segment_stamped_before_the_newest() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030000).ack(1001, 5001).data(100);  // 4
  trace.client(0.031000).ack(1201, 5001).data(100);  // 5
  trace.client(0.030500).ack(1101, 5001).data(100);  // 6: stamped 0.5 ms before frame 5
  return trace;
}

// A client that closes with unread data sends a RST carrying its next sequence number, 1301;
// the capture saw that RST before the last two data segments, which were sent before it.
SyntheticTrace data_captured_after_the_rst() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).rst_ack(1301, 5001);        // 5
  trace.client(0.032).ack(1101, 5001).data(100);  // 6
  trace.client(0.033).ack(1201, 5001).data(100);  // 7
  return trace;
}

SyntheticTrace lost_segment() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1201, 5001).data(100);  // 5: 1101-1200 was lost before the capture point
  trace.server(0.040).ack(5001, 1101);            // 6: the receiver lost it too
  return trace;
}

SyntheticTrace acked_unseen_segment() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4: 1001-1100
  trace.server(0.040).ack(5001, 1201);            // 5: 1101-1200 arrived, never captured
  return trace;
}

// The usual way a capture misses a segment: the capture dropped it (a full buffer), the
// receiver did not. The gap is flagged, then so is the ACK that covers it.
SyntheticTrace acked_segment_missing_from_capture() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1201, 5001).data(100);  // 5: 1101-1200 not in the capture
  trace.server(0.040).ack(5001, 1301);            // 6: but the receiver had it
  return trace;
}

SyntheticTrace duplicate_ack() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.client(0.031).ack(1101, 5001).data(100);  // 5: lost after the capture point
  trace.client(0.032).ack(1201, 5001).data(100);  // 6
  trace.server(0.040).ack(5001, 1101);            // 7: for frame 4
  trace.server(0.041).ack(5001, 1101);            // 8: frame 6 came, 1101 is still missing
  return trace;
}

SyntheticTrace zero_window() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101).window(0);  // 5: receive buffer full, the app reads nothing
  return trace;
}

SyntheticTrace zero_window_probe() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101).window(0);  // 5
  trace.client(0.240).ack(1101, 5001).data(1);    // 6: the persist timer: one byte, to see
  return trace;
}

SyntheticTrace zero_window_probe_ack() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101).window(0);  // 5
  trace.client(0.240).ack(1101, 5001).data(1);    // 6
  trace.server(0.241).ack(5001, 1101).window(0);  // 7: still full, the byte is not taken
  return trace;
}

// The sender keeps probing at the same sequence number, the probe byte never taken, until the
// window opens; then it sends that byte and the rest as if the probes had not happened.
SyntheticTrace zero_window_probes_until_it_opens() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);      // 4
  trace.server(0.040).ack(5001, 1101).window(0);      // 5
  trace.client(0.240).ack(1101, 5001).data(1);        // 6: first probe
  trace.server(0.241).ack(5001, 1101).window(0);      // 7
  trace.client(0.640).ack(1101, 5001).data(1);        // 8: second probe, the timer backed off
  trace.server(0.641).ack(5001, 1101).window(0);      // 9
  trace.server(0.900).ack(5001, 1101).window(65535);  // 10: the application read
  trace.client(0.901).ack(1101, 5001).data(100);      // 11: 1101-1200, sent for the first time
  trace.server(0.911).ack(5001, 1201);                // 12
  return trace;
}

SyntheticTrace window_full() {
  SyntheticTrace trace;
  handshake(trace, 300);                            // the server offers 300 bytes
  trace.client(0.030).ack(1001, 5001).data(100);    // 4
  trace.client(0.031).ack(1101, 5001).data(100);    // 5
  trace.client(0.032).ack(1201, 5001).data(100);    // 6: ends at 1301 = 1001 + 300
  trace.server(0.042).ack(5001, 1301).window(300);  // 7
  return trace;
}

// Without the SYNs nobody knows the window scale: a window field of 300 may mean 300 bytes or
// 300 << 7, so no segment can be said to fill it.
SyntheticTrace window_full_without_handshake() {
  SyntheticTrace trace;
  trace.client(0.030).ack(1001, 5001).data(100);    // 1: the capture starts here
  trace.server(0.040).ack(5001, 1101).window(300);  // 2
  trace.client(0.050).ack(1101, 5001).data(100);    // 3
  trace.client(0.051).ack(1201, 5001).data(100);    // 4
  trace.client(0.052).ack(1301, 5001).data(100);    // 5: ends at 1401 = 1101 + 300
  return trace;
}

SyntheticTrace window_update() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);      // 4
  trace.server(0.040).ack(5001, 1101).window(200);    // 5: the application is slow to read
  trace.server(0.100).ack(5001, 1101).window(65535);  // 6: it read: same ACK, room again
  return trace;
}

SyntheticTrace keep_alive() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101);            // 5
  trace.client(7.240).ack(1100, 5001);            // 6: idle 7.2 s; seq one below the next
  return trace;
}

SyntheticTrace keep_alive_ack() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  trace.server(0.040).ack(5001, 1101);            // 5
  trace.client(7.240).ack(1100, 5001);            // 6
  trace.server(7.241).ack(5001, 1101);            // 7: the peer is alive: its ACK again
  return trace;
}

SyntheticTrace reused_ports() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).fin(1001, 5001);        // 4
  trace.server(0.040).fin(5001, 1002);        // 5
  trace.client(0.050).ack(1002, 5002);        // 6: closed
  trace.client(1.000).syn(90000);             // 7: the same ports, a new ISN
  trace.server(1.010).syn_ack(70000, 90001);  // 8
  trace.client(1.020).ack(90001, 70001);      // 9
  return trace;
}

SyntheticTrace syn_retransmission() {
  SyntheticTrace trace;
  trace.client(0.000).syn(1000).mss(1460);            // 1: lost, or the server was slow
  trace.client(1.000).syn(1000).mss(1460);            // 2: the initial RTO is 1 s (RFC 6298)
  trace.server(1.010).syn_ack(5000, 1001).mss(1460);  // 3
  trace.client(1.020).ack(1001, 5001);                // 4
  return trace;
}

SyntheticTrace close_by_both_sides() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).fin(1001, 5001);  // 4: the client is done sending
  trace.server(0.040).fin(5001, 1002);  // 5: so is the server; the FIN took 1 seq
  trace.client(0.050).ack(1002, 5002);  // 6
  return trace;
}

SyntheticTrace reset_by_client() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).rst_ack(1001, 5001);  // 4: abortive close (SO_LINGER 0)
  return trace;
}

SyntheticTrace reset_by_server() {
  SyntheticTrace trace;
  handshake(trace);
  trace.client(0.030).ack(1001, 5001).data(100);  // 4
  // 5: the server host rebooted and has no such connection. Its kernel answers with a RST
  // whose sequence number is the segment's ACK and which acknowledges nothing (RFC 793,
  // "Reset Generation").
  trace.server(0.031).rst(5001);
  return trace;
}

std::vector<Scenario> all() {
  return {
      {"retransmission", retransmission()},
      {"fast_retransmission", fast_retransmission()},
      {"fast_retransmission_after_slow_duplicate_acks",
       fast_retransmission_after_slow_duplicate_acks()},
      {"fast_retransmission_after_a_window_update", fast_retransmission_after_a_window_update()},
      {"spurious_retransmission", spurious_retransmission()},
      {"retransmission_with_new_bytes", retransmission_with_new_bytes()},
      {"out_of_order", out_of_order()},
      {"retransmission_one_round_trip_after_the_newest",
       retransmission_one_round_trip_after_the_newest()},
      {"segment_stamped_before_the_newest", segment_stamped_before_the_newest()},
      {"data_captured_after_the_rst", data_captured_after_the_rst()},
      {"lost_segment", lost_segment()},
      {"acked_unseen_segment", acked_unseen_segment()},
      {"acked_segment_missing_from_capture", acked_segment_missing_from_capture()},
      {"duplicate_ack", duplicate_ack()},
      {"zero_window", zero_window()},
      {"zero_window_probe", zero_window_probe()},
      {"zero_window_probe_ack", zero_window_probe_ack()},
      {"zero_window_probes_until_it_opens", zero_window_probes_until_it_opens()},
      {"window_full", window_full()},
      {"window_full_without_handshake", window_full_without_handshake()},
      {"window_update", window_update()},
      {"keep_alive", keep_alive()},
      {"keep_alive_ack", keep_alive_ack()},
      {"reused_ports", reused_ports()},
      {"syn_retransmission", syn_retransmission()},
      {"close_by_both_sides", close_by_both_sides()},
      {"reset_by_client", reset_by_client()},
      {"reset_by_server", reset_by_server()},
  };
}

}  // namespace socklab::trace_test::scenarios
