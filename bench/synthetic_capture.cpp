#include "bench/synthetic_capture.hpp"

#include <net/ethernet.h>
#include <netinet/in.h>
#include <netinet/ip.h>
#include <netinet/tcp.h>
#include <pcap/pcap.h>

#include <array>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace socklab::bench {
namespace {

constexpr int kConnections = 400;
constexpr int kConcurrent = 8;  // connections open at once, their frames interleaved
// 2,500 frames a connection: handshake 3, rounds 828 x 3, window updates 8, retransmissions 2,
// close 3; 1,000,000 in all.
constexpr int kRounds = 828;
constexpr int kZeroWindowEvery = 100;  // the receiving application falls behind now and then
constexpr int kRetransmitEvery = 400;
constexpr std::uint32_t kMss = 1448;         // 1500-byte MTU less IPv4, TCP and timestamp option
constexpr std::uint16_t kSynWindow = 64240;  // SYN windows are never scaled (RFC 7323, 2.2)
constexpr std::uint16_t kWindow = 502;       // 64256 bytes at the window scale 7 both SYNs offer

// One side of a connection: its address and the next sequence number it will send.
struct Peer {
  std::uint32_t address = 0;  // host byte order
  std::uint16_t port = 0;
  std::uint32_t seq = 0;
};

using Frame = std::array<unsigned char, 14 + 20 + 40>;

// Writes the Ethernet, IPv4 and TCP headers of a segment from `from` acknowledging all that `to`
// sent, and returns their length. Options as Linux sends them: timestamps on every segment, and
// on a SYN also the MSS, SACK permitted and the window scale.
std::size_t write_headers(Frame& frame, const Peer& from, const Peer& to, std::uint8_t flags,
                          std::uint32_t payload, std::uint16_t window, std::uint32_t now_ms) {
  const bool syn = (flags & TH_SYN) != 0;
  const std::size_t tcp_bytes = syn ? 40 : 32;
  std::size_t at = 12;  // after the two MAC addresses, left zero: nothing reads them
  auto put8 = [&](std::uint32_t value) { frame[at++] = static_cast<unsigned char>(value); };
  auto put16 = [&](std::uint32_t value) { put8(value >> 8), put8(value); };
  auto put32 = [&](std::uint32_t value) { put16(value >> 16), put16(value); };
  put16(ETHERTYPE_IP);
  // IPv4 (RFC 791), a line per 32-bit row of the header diagram: no options, DF, TTL 64.
  // Checksums stay zero, as captures on interfaces that offload them show them.
  put8(0x45), put8(0), put16(static_cast<std::uint32_t>(20 + tcp_bytes + payload));
  put16(0), put16(IP_DF);
  put8(64), put8(IPPROTO_TCP), put16(0);
  put32(from.address);
  put32(to.address);
  // TCP (RFC 9293), likewise; the ACK field is zero when the ACK flag is not set.
  put16(from.port), put16(to.port);
  put32(from.seq);
  put32((flags & TH_ACK) ? to.seq : 0);
  put8(static_cast<std::uint32_t>(tcp_bytes / 4 << 4)), put8(flags), put16(window);
  put16(0), put16(0);  // checksum, urgent pointer
  if (syn) put8(TCPOPT_MAXSEG), put8(4), put16(kMss + 12), put8(TCPOPT_SACK_PERMITTED), put8(2);
  if (!syn) put8(TCPOPT_NOP), put8(TCPOPT_NOP);
  put8(TCPOPT_TIMESTAMP), put8(10), put32(now_ms), put32(flags == TH_SYN ? 0 : now_ms);
  if (syn) put8(TCPOPT_NOP), put8(TCPOPT_WINDOW), put8(3), put8(7);
  return at;
}

// Writes frames with libpcap's dump API, each stamped 10 us after the last. Move-only, as the
// libpcap handles it owns are.
class CaptureWriter {
 public:
  explicit CaptureWriter(const std::filesystem::path& path) {
    if (!handle_) throw std::runtime_error("pcap_open_dead failed");
    dumper_.reset(pcap_dump_open(handle_.get(), path.c_str()));
    if (!dumper_) throw std::runtime_error(path.string() + ": " + pcap_geterr(handle_.get()));
  }

  // Sends a segment from `from`, whose sequence number then moves on past it.
  void send(Peer& from, const Peer& to, std::uint8_t flags, std::uint32_t payload,
            std::uint16_t window) {
    Frame frame{};
    const auto now_ms = static_cast<std::uint32_t>(microseconds_ / 1000);
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(1'700'000'000 + microseconds_ / 1'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>(microseconds_ % 1'000'000);
    // Headers only, as with a small snap length: the payload is counted, not kept.
    header.caplen =
        static_cast<bpf_u_int32>(write_headers(frame, from, to, flags, payload, window, now_ms));
    header.len = header.caplen + payload;
    pcap_dump(reinterpret_cast<u_char*>(dumper_.get()), &header, frame.data());
    microseconds_ += 10;
    ++frames_;
    from.seq += payload + ((flags & TH_SYN) ? 1 : 0) + ((flags & TH_FIN) ? 1 : 0);
  }

  // Returns the number of frames written.
  std::uint64_t finish() {
    // pcap_dump reports nothing; a full disk shows up when the buffered frames are flushed.
    if (pcap_dump_flush(dumper_.get()) != 0) throw std::runtime_error("writing the capture failed");
    dumper_.reset();
    return frames_;
  }

 private:
  std::unique_ptr<pcap_t, decltype(&pcap_close)> handle_{pcap_open_dead(DLT_EN10MB, 262144),
                                                         pcap_close};
  std::unique_ptr<pcap_dumper_t, decltype(&pcap_dump_close)> dumper_{nullptr, pcap_dump_close};
  std::uint64_t microseconds_ = 0;
  std::uint64_t frames_ = 0;
};

// One connection, written a turn at a time so that connections open together interleave.
class SyntheticConnection {
 public:
  SyntheticConnection(int index, std::mt19937& random)  // 198.18.0.10:33000+ to 198.18.0.1:7000
      : client_{0xc612000a, static_cast<std::uint16_t>(33000 + index),
                static_cast<std::uint32_t>(random())},
        server_{0xc6120001, 7000, static_cast<std::uint32_t>(random())} {}

  bool done() const { return step_ > kRounds + 1; }
  // A turn: what the last one left pending, or else the handshake, a round of data, the close.
  void write_turn(CaptureWriter& out) {
    switch (std::exchange(pending_, Pending::nothing)) {
      case Pending::window_update:  // the application read: the same ACK, the window open again
        out.send(server_, client_, TH_ACK, 0, kWindow);
        return;
      case Pending::retransmission: {  // the timer fired: the older segment goes again
        Peer resent = client_;
        resent.seq -= 2 * kMss;
        out.send(resent, server_, TH_ACK, kMss, kWindow);
        out.send(server_, client_, TH_ACK, 0, kWindow);  // both had arrived: all is acknowledged
        return;
      }
      case Pending::nothing:
        break;
    }
    if (step_ == 0) {
      out.send(client_, server_, TH_SYN, 0, kSynWindow);
      out.send(server_, client_, TH_SYN | TH_ACK, 0, kSynWindow);
      out.send(client_, server_, TH_ACK, 0, kWindow);
    } else if (step_ <= kRounds) {
      write_round(out, step_);
    } else {
      out.send(client_, server_, TH_FIN | TH_ACK, 0, kWindow);
      out.send(server_, client_, TH_FIN | TH_ACK, 0, kWindow);
      out.send(client_, server_, TH_ACK, 0, kWindow);
    }
    ++step_;
  }

 private:
  enum class Pending { nothing, window_update, retransmission };

  void write_round(CaptureWriter& out, int round) {
    out.send(client_, server_, TH_ACK, kMss, kWindow);
    out.send(client_, server_, TH_ACK | TH_PUSH, kMss, kWindow);
    if (round % kRetransmitEvery == 0) {  // their ACK is lost on the way: none is captured
      pending_ = Pending::retransmission;
      return;
    }
    // Linux ACKs every second full-sized segment (RFC 1122, 4.2.3.2); a full receive buffer
    // advertises a zero window until the application reads.
    const bool buffer_full = round % kZeroWindowEvery == kZeroWindowEvery - 1;
    out.send(server_, client_, TH_ACK, 0, buffer_full ? 0 : kWindow);
    if (buffer_full) pending_ = Pending::window_update;
  }

  Peer client_;
  Peer server_;
  int step_ = 0;  // 0 the handshake, 1 to kRounds the data, then the close
  Pending pending_ = Pending::nothing;
};

}  // namespace

SyntheticCaptureContents write_synthetic_capture(const std::filesystem::path& path) {
  CaptureWriter out(path);
  std::mt19937 random(1);  // std::mt19937 is specified exactly: the same ISNs everywhere
  for (int first = 0; first < kConnections; first += kConcurrent) {
    std::vector<SyntheticConnection> open;
    for (int i = first; i < first + kConcurrent; ++i) open.emplace_back(i, random);
    while (!open.front().done()) {  // all take the same number of turns
      for (SyntheticConnection& connection : open) connection.write_turn(out);
    }
  }
  SyntheticCaptureContents written;
  written.frames = out.finish();
  written.connections = kConnections;
  written.zero_windows = kConnections * (kRounds / kZeroWindowEvery);
  written.retransmissions = kConnections * (kRounds / kRetransmitEvery);
  return written;
}

}  // namespace socklab::bench
