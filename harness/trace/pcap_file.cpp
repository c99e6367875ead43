#include "harness/trace/pcap_file.hpp"

#include <arpa/inet.h>
#include <net/ethernet.h>
#include <netinet/ip.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

#include "harness/trace/gzip_file.hpp"

namespace socklab::harness {
namespace {

struct PcapCloser {
  void operator()(pcap_t* handle) const { pcap_close(handle); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

struct DumperCloser {
  void operator()(pcap_dumper_t* dumper) const { pcap_dump_close(dumper); }
};

PcapHandle open_offline(const std::filesystem::path& path) {
  if (!std::filesystem::exists(path)) throw std::runtime_error(path.string() + " does not exist");
  char error[PCAP_ERRBUF_SIZE] = "";
  pcap_t* handle = nullptr;
  if (is_gzip_file(path)) {
    // pcap_close closes the FILE* it was given, so it is released from our ownership here.
    FilePtr file = open_gzip_for_reading(path);
    handle = pcap_fopen_offline(file.get(), error);
    if (handle != nullptr) file.release();
  } else {
    handle = pcap_open_offline(path.c_str(), error);
  }
  if (handle == nullptr) {
    throw std::runtime_error(path.string() + " is not a capture libpcap can read: " + error);
  }
  return PcapHandle(handle);
}

// Where the IPv4 packet starts in a frame of this link type; nullopt when the frame carries
// something else.
std::optional<std::size_t> ipv4_offset(int link_type, const unsigned char* frame,
                                       std::size_t length) {
  auto u16 = [&](std::size_t at) { return static_cast<unsigned>(frame[at] << 8 | frame[at + 1]); };
  switch (link_type) {
    case DLT_EN10MB:
      if (length >= 14 && u16(12) == ETHERTYPE_IP) return 14;
      return std::nullopt;
    case DLT_LINUX_SLL:  // 16-byte cooked header, protocol in its last two bytes
      if (length >= 16 && u16(14) == ETHERTYPE_IP) return 16;
      return std::nullopt;
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:  // 20-byte cooked header, protocol first
      if (length >= 20 && u16(0) == ETHERTYPE_IP) return 20;
      return std::nullopt;
#endif
    case DLT_RAW:
#ifdef DLT_IPV4
    case DLT_IPV4:
#endif
      if (length >= 1 && (frame[0] >> 4) == 4) return 0;
      return std::nullopt;
    case DLT_NULL:
    case DLT_LOOP: {  // 4-byte address family: host order for NULL, network order for LOOP
      if (length < 4) return std::nullopt;
      std::uint32_t family = 0;
      std::memcpy(&family, frame, 4);
      if (link_type == DLT_LOOP) family = ntohl(family);
      if (family == AF_INET || ntohl(family) == AF_INET) return 4;
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

bool link_type_supported(int link_type) {
  switch (link_type) {
    case DLT_EN10MB:
    case DLT_LINUX_SLL:
    case DLT_RAW:
    case DLT_NULL:
    case DLT_LOOP:
#ifdef DLT_LINUX_SLL2
    case DLT_LINUX_SLL2:
#endif
#ifdef DLT_IPV4
    case DLT_IPV4:
#endif
      return true;
    default:
      return false;
  }
}

std::string link_type_name(int link_type) {
  const char* name = pcap_datalink_val_to_name(link_type);
  return name ? name : "link type " + std::to_string(link_type);
}

using FrameVisitor = std::function<void(const pcap_pkthdr&, const unsigned char*)>;

// Calls `visit` for every frame. A file cut in the middle of a frame ends the walk and the
// reason is returned, as Wireshark does; any other read error throws.
std::string for_each_frame(pcap_t* handle, const std::filesystem::path& path,
                           const FrameVisitor& visit) {
  for (;;) {
    pcap_pkthdr* header = nullptr;
    const u_char* bytes = nullptr;
    int status = pcap_next_ex(handle, &header, &bytes);
    if (status == 1) {
      visit(*header, bytes);
    } else if (status == PCAP_ERROR_BREAK) {
      return {};  // end of file
    } else {
      std::string error = pcap_geterr(handle);
      if (error.find("truncated") != std::string::npos) return error;
      throw std::runtime_error(path.string() + ": " + error);
    }
  }
}

}  // namespace

PcapContents read_pcap_file(const std::filesystem::path& path) {
  PcapHandle handle = open_offline(path);
  PcapContents contents;
  int link_type = pcap_datalink(handle.get());
  contents.link_type = link_type_name(link_type);
  if (!link_type_supported(link_type)) {
    throw std::runtime_error(path.string() + " holds " + contents.link_type +
                             " frames; socklab reads Ethernet, Linux cooked (tcpdump -i any), "
                             "raw IP and loopback captures");
  }
  contents.truncated = for_each_frame(
      handle.get(), path, [&](const pcap_pkthdr& header, const unsigned char* bytes) {
        ++contents.frames;
        double time = static_cast<double>(header.ts.tv_sec) + header.ts.tv_usec / 1e6;
        std::optional<TcpSegment> segment;
        if (auto offset = ipv4_offset(link_type, bytes, header.caplen)) {
          segment = parse_ipv4_tcp(bytes + *offset, header.caplen - *offset, time);
        }
        if (!segment) {
          ++contents.other_frames;
          return;
        }
        segment->frame = static_cast<std::uint32_t>(contents.frames);
        contents.segments.push_back(*segment);
      });
  return contents;
}

std::uint64_t write_headers_only_copy(const std::filesystem::path& source,
                                      const std::filesystem::path& destination) {
  PcapHandle handle = open_offline(source);
  int link_type = pcap_datalink(handle.get());
  FilePtr file = open_gzip_for_writing(destination);
  pcap_dumper_t* raw_dumper = pcap_dump_fopen(handle.get(), file.get());
  if (raw_dumper == nullptr) {
    throw std::runtime_error("cannot write " + destination.string() + ": " +
                             pcap_geterr(handle.get()));
  }
  file.release();  // pcap_dump_close closes it
  std::unique_ptr<pcap_dumper_t, DumperCloser> dumper(raw_dumper);
  std::uint64_t frames = 0;
  for_each_frame(handle.get(), source, [&](const pcap_pkthdr& header, const unsigned char* bytes) {
    pcap_pkthdr kept = header;
    if (auto offset = ipv4_offset(link_type, bytes, header.caplen);
        offset && header.caplen > *offset + 20) {
      const unsigned char* ip = bytes + *offset;
      std::size_t ip_header = (ip[0] & 0x0f) * 4u;
      if (ip[9] == IPPROTO_TCP && header.caplen >= *offset + ip_header + 13) {
        std::size_t tcp_header = (ip[ip_header + 12] >> 4) * 4u;
        kept.caplen = std::min<bpf_u_int32>(
            header.caplen, static_cast<bpf_u_int32>(*offset + ip_header + tcp_header));
      }
    }
    pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &kept, bytes);
    ++frames;
  });
  return frames;
}

}  // namespace socklab::harness
