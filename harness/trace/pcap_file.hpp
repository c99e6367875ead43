// Reading a capture file with libpcap's offline API: the TCP segments it holds, whatever tool
// wrote it (socklab, tcpdump -i any, Wireshark), plain or gzip-compressed.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

struct PcapContents {
  std::vector<TcpSegment> segments;  // IPv4 TCP segments, in file order, frame numbers set
  std::uint64_t frames = 0;          // every frame in the file
  std::uint64_t other_frames = 0;    // not IPv4 TCP (ARP, IPv6, UDP, fragments): not analysed
  std::string link_type;             // libpcap's name: "EN10MB", "LINUX_SLL", ...
  // Set when the file ends in the middle of a frame (a capture cut while it was being
  // written): everything before that frame was read, and this says what was lost.
  std::string truncated;
};

// Link types read: Ethernet (interfaces, lo), Linux cooked v1 and v2 (tcpdump -i any), raw
// IP, BSD loopback. Throws std::runtime_error saying what is wrong with the file.
PcapContents read_pcap_file(const std::filesystem::path& path);

// Copies `source` to `destination` keeping of each frame only its headers (link, IPv4, TCP
// with options) and compressing with gzip. Sequence numbers and lengths come from the
// headers, so nothing a trace shows is lost; the random payload bytes, which would neither
// compress nor mean anything, are. Returns the number of frames written.
std::uint64_t write_headers_only_copy(const std::filesystem::path& source,
                                      const std::filesystem::path& destination);

}  // namespace socklab::harness
