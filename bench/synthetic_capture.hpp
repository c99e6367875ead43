// A large capture for the trace benchmarks, written the same, byte for byte, on every run:
// 400 connections, 8 at a time with their frames interleaved, each a handshake, bulk data in
// 1448-byte segments ACKed every second segment, zero windows each followed by a window update,
// two retransmissions and a FIN close. Ethernet + IPv4 + TCP with the timestamps option, frames
// cut after the TCP header as socklab's captures are by their small snap length.
#pragma once

#include <cstdint>
#include <filesystem>

namespace socklab::bench {

// What was written, for the benchmarks to check that the analysis finds exactly that.
struct SyntheticCaptureContents {
  std::uint64_t frames = 0;
  std::uint64_t connections = 0;
  std::uint64_t zero_windows = 0;  // each followed by one window update
  std::uint64_t retransmissions = 0;
};

// Writes the capture with libpcap's dump API; throws std::runtime_error when it cannot.
SyntheticCaptureContents write_synthetic_capture(const std::filesystem::path& path);

}  // namespace socklab::bench
