// PacketCapture: libpcap on one interface of one network namespace, written to a pcap file
// that Wireshark and tcpdump open. It is active before the scenario's first SYN and is stopped
// only after the wire has been quiet for a moment, so the last FIN, RST or ACK is in the file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "harness/sandbox/net_namespace.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

struct CaptureSummary {
  std::uint64_t packets_written = 0;
  std::uint64_t packets_dropped = 0;  // by the kernel (buffer full): the file is incomplete
  std::filesystem::path file;
};

class PacketCapture {
 public:
  // Each packet keeps its first kSnapLength bytes: every header, the start of the payload.
  // Sequence numbers and lengths come from the headers, so the trace stays exact, and an
  // 8 MiB transfer makes a pcap of a few hundred KiB instead of 8 MiB.
  static constexpr int kSnapLength = 256;

  // Opens `interface` inside `netns` and starts a capture thread; returns once packets are
  // being recorded. Throws std::runtime_error with libpcap's message on failure.
  static PacketCapture start(const NetNamespace& netns, const std::string& interface,
                             const std::filesystem::path& pcap_file);

  PacketCapture(PacketCapture&&) noexcept;
  PacketCapture& operator=(PacketCapture&&) = delete;
  ~PacketCapture();  // stops if still running

  // Every TCP segment captured so far (IPv4 over Ethernet), oldest first. The capture runs in
  // immediate mode, so a segment is here within a moment of crossing the interface.
  std::vector<TcpSegment> segments() const;

  // Waits until no packet has arrived for `quiet`, at most `limit` in all.
  void wait_until_quiet(std::chrono::milliseconds quiet, std::chrono::milliseconds limit) const;

  // Waits until no packet has arrived for `quiet` (at most `limit` in all), then stops the
  // thread, flushes and closes the file.
  CaptureSummary stop(std::chrono::milliseconds quiet = std::chrono::milliseconds(200),
                      std::chrono::milliseconds limit = std::chrono::milliseconds(2000));

 private:
  struct State;
  explicit PacketCapture(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace socklab::harness
