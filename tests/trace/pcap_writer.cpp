#include "tests/trace/pcap_writer.hpp"

#include <netinet/tcp.h>
#include <pcap/pcap.h>

#include <cmath>
#include <memory>
#include <stdexcept>

#include "tests/trace/frame_encoding.hpp"

namespace socklab::trace_test {

SyntheticFrame& SyntheticFrame::syn(std::uint32_t seq) {
  tcp_flags = TH_SYN;
  seq_number = seq;
  ack_number = 0;  // no ACK flag: the field means nothing and senders leave it 0
  return *this;
}

SyntheticFrame& SyntheticFrame::syn_ack(std::uint32_t seq, std::uint32_t ack) {
  tcp_flags = TH_SYN | TH_ACK;
  seq_number = seq;
  ack_number = ack;
  return *this;
}

SyntheticFrame& SyntheticFrame::ack(std::uint32_t seq, std::uint32_t ack) {
  tcp_flags = TH_ACK;
  seq_number = seq;
  ack_number = ack;
  return *this;
}

SyntheticFrame& SyntheticFrame::fin(std::uint32_t seq, std::uint32_t ack) {
  tcp_flags = TH_FIN | TH_ACK;
  seq_number = seq;
  ack_number = ack;
  return *this;
}

SyntheticFrame& SyntheticFrame::rst(std::uint32_t seq) {
  tcp_flags = TH_RST;
  seq_number = seq;
  ack_number = 0;
  return *this;
}

SyntheticFrame& SyntheticFrame::rst_ack(std::uint32_t seq, std::uint32_t ack) {
  tcp_flags = TH_RST | TH_ACK;
  seq_number = seq;
  ack_number = ack;
  return *this;
}

SyntheticFrame& SyntheticFrame::data(std::uint32_t bytes) {
  payload_bytes = bytes;
  tcp_flags |= TH_PUSH;
  return *this;
}

SyntheticFrame& SyntheticFrame::window(std::uint16_t field) {
  window_field = field;
  return *this;
}

SyntheticFrame& SyntheticFrame::mss(std::uint16_t bytes) {
  mss_option = bytes;
  return *this;
}

SyntheticFrame& SyntheticFrame::wscale(std::uint8_t shift) {
  window_scale_option = shift;
  return *this;
}

SyntheticFrame& SyntheticFrame::sack_permitted() {
  sack_permitted_option = true;
  return *this;
}

SyntheticFrame& SyntheticFrame::timestamps(std::uint32_t value, std::uint32_t echo_reply) {
  timestamp_value = value;
  timestamp_echo_reply = echo_reply;
  return *this;
}

SyntheticFrame& SyntheticTrace::add(double time, From from, Endpoints endpoints) {
  if (time < 0) throw std::invalid_argument("a synthetic frame's time must not be negative");
  SyntheticFrame& frame = frames_.emplace_back();
  frame.time = time;
  frame.from = from;
  frame.endpoints = std::move(endpoints);
  return frame;
}

void SyntheticTrace::arp(double time) {
  add(time, From::client, Endpoints{}).kind = SyntheticFrame::Kind::arp;
}

void SyntheticTrace::udp(double time, std::uint32_t payload_bytes) {
  SyntheticFrame& frame = add(time, From::client, Endpoints{});
  frame.kind = SyntheticFrame::Kind::udp;
  frame.payload_bytes = payload_bytes;
}

namespace {

int link_type_value(LinkType link) {
  switch (link) {
    case LinkType::ethernet:
      return DLT_EN10MB;
    case LinkType::linux_cooked:
      return DLT_LINUX_SLL;
    case LinkType::raw_ip:
      return DLT_RAW;
  }
  return DLT_EN10MB;
}

struct PcapCloser {
  void operator()(pcap_t* handle) const { pcap_close(handle); }
};
struct DumperCloser {
  void operator()(pcap_dumper_t* dumper) const { pcap_dump_close(dumper); }
};

}  // namespace

void SyntheticTrace::write(const std::filesystem::path& path, LinkType link) const {
  // A "dead" handle: no interface, only the link type and snap length the file header needs.
  std::unique_ptr<pcap_t, PcapCloser> handle(pcap_open_dead(link_type_value(link), 65535));
  if (!handle) throw std::runtime_error("pcap_open_dead failed for " + path.string());
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper(pcap_dump_open(handle.get(), path.c_str()));
  if (!dumper) {
    throw std::runtime_error("cannot write " + path.string() + ": " + pcap_geterr(handle.get()));
  }
  std::uint16_t ip_id = 1;
  for (const SyntheticFrame& frame : frames_) {
    Bytes bytes = encode_frame(frame, link, ip_id++);
    // Rounded to whole microseconds, a pcap timestamp's resolution: 0.030 * 1e6 is 29999.99...
    std::int64_t micros = std::llround(frame.time * 1e6);
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(kCaptureStartSeconds + micros / 1'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>(micros % 1'000'000);
    header.caplen = header.len = static_cast<bpf_u_int32>(bytes.size());
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, bytes.data());
  }
  if (pcap_dump_flush(dumper.get()) != 0) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace socklab::trace_test
