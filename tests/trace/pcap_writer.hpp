// SyntheticTrace: a capture file written from a description that reads like a ladder diagram,
// so a trace test states exactly which segments went on the wire and in what order:
//
//   SyntheticTrace trace;
//   trace.client(0.000).syn(1000).mss(1460).wscale(7);
//   trace.server(0.010).syn_ack(5000, 1001).mss(1460).wscale(7);
//   trace.client(0.020).ack(1001, 5001);
//   trace.client(0.030).ack(1001, 5001).data(100);  // bytes 1001-1100
//   trace.write(path);
//
// Frames are numbered from 1 in the order they are added, as Wireshark numbers them; times are
// seconds since the start of the capture. libpcap's dump API writes the file.
#pragma once

#include <cstdint>
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>

namespace socklab::trace_test {

// The two ends of one connection. The server's port is the lower one, as a listening port
// usually is: that is how a reader guesses roles when the handshake was not captured.
struct Endpoints {
  std::string client_address = "198.18.0.10";
  std::uint16_t client_port = 51000;
  std::string server_address = "198.18.0.1";
  std::uint16_t server_port = 43777;
};

enum class From { client, server };

// One frame. A TCP segment is described with the chained calls; the numbers are absolute,
// as they are on the wire, so a test shows the arithmetic of sequence and acknowledgment.
struct SyntheticFrame {
  enum class Kind { tcp, udp, arp };
  Kind kind = Kind::tcp;
  double time = 0;
  From from = From::client;
  Endpoints endpoints;
  std::uint8_t tcp_flags = 0;  // TH_* bits of <netinet/tcp.h>
  std::uint32_t seq_number = 0;
  std::uint32_t ack_number = 0;
  std::uint16_t window_field = 65535;  // as sent: scaled only by what the SYNs agreed
  std::uint32_t payload_bytes = 0;     // for UDP too
  std::optional<std::uint16_t> mss_option;
  std::optional<std::uint8_t> window_scale_option;
  bool sack_permitted_option = false;
  std::optional<std::uint32_t> timestamp_value;  // with the echo reply below
  std::uint32_t timestamp_echo_reply = 0;

  // What the segment is: each sets the flags and the numbers it carries.
  SyntheticFrame& syn(std::uint32_t seq);                         // SYN, no ACK
  SyntheticFrame& syn_ack(std::uint32_t seq, std::uint32_t ack);  // SYN ACK
  SyntheticFrame& ack(std::uint32_t seq, std::uint32_t ack);      // ACK
  SyntheticFrame& fin(std::uint32_t seq, std::uint32_t ack);      // FIN ACK
  SyntheticFrame& rst(std::uint32_t seq);                         // RST alone
  SyntheticFrame& rst_ack(std::uint32_t seq, std::uint32_t ack);  // RST ACK
  // Payload bytes (zeros), with PSH as a sender sets it on the last segment of a write.
  SyntheticFrame& data(std::uint32_t bytes);
  SyntheticFrame& window(std::uint16_t field);
  // Options, normally on SYNs only (timestamps go on every segment once both SYNs had them).
  SyntheticFrame& mss(std::uint16_t bytes);
  SyntheticFrame& wscale(std::uint8_t shift);
  SyntheticFrame& sack_permitted();
  SyntheticFrame& timestamps(std::uint32_t value, std::uint32_t echo_reply);
};

enum class LinkType {
  ethernet,      // DLT_EN10MB: an interface, or lo, captured alone
  linux_cooked,  // DLT_LINUX_SLL: tcpdump -i any
  raw_ip,        // DLT_RAW: no link header, the IP packet only
};

class SyntheticTrace {
 public:
  // The segments of one connection, on its own 4-tuple.
  class Flow {
   public:
    SyntheticFrame& client(double time) { return trace_.add(time, From::client, endpoints_); }
    SyntheticFrame& server(double time) { return trace_.add(time, From::server, endpoints_); }

   private:
    friend class SyntheticTrace;
    Flow(SyntheticTrace& trace, Endpoints endpoints)
        : trace_(trace), endpoints_(std::move(endpoints)) {}
    SyntheticTrace& trace_;
    Endpoints endpoints_;
  };

  // A segment on the default endpoints, sent by the client or by the server.
  SyntheticFrame& client(double time) { return add(time, From::client, Endpoints{}); }
  SyntheticFrame& server(double time) { return add(time, From::server, Endpoints{}); }
  Flow flow(Endpoints endpoints) { return Flow(*this, std::move(endpoints)); }

  // Frames that are not TCP, which a reader must count and skip.
  void arp(double time);  // an ARP request (Ethernet and Linux cooked only)
  void udp(double time, std::uint32_t payload_bytes);

  std::size_t frame_count() const { return frames_.size(); }
  // Throws std::runtime_error when the file cannot be written.
  void write(const std::filesystem::path& path, LinkType link = LinkType::ethernet) const;

 private:
  SyntheticFrame& add(double time, From from, Endpoints endpoints);
  // A deque, so that the reference add() returns stays valid while more frames are added.
  std::deque<SyntheticFrame> frames_;
};

// When frame time 0 is: a fixed instant, so that the same trace always gives the same file.
inline constexpr std::int64_t kCaptureStartSeconds = 1'700'000'000;

}  // namespace socklab::trace_test
