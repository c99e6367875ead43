// The bytes of one synthetic frame as they are on the wire: link header (Ethernet, Linux cooked
// or none), IPv4 header, then TCP with its options, UDP, or an ARP request. Lengths, data offset
// and checksums are computed as a sender's kernel would, so Wireshark reads the frames as real.
#pragma once

#include <cstdint>
#include <vector>

#include "tests/trace/pcap_writer.hpp"

namespace socklab::trace_test {

using Bytes = std::vector<unsigned char>;

// `ip_id` is the IPv4 identification field: a counter, as Linux keeps one per destination.
Bytes encode_frame(const SyntheticFrame& frame, LinkType link, std::uint16_t ip_id);

}  // namespace socklab::trace_test
