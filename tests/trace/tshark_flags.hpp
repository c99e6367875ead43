// Asking Wireshark itself: the tcp.analysis flags tshark sets on each frame of a capture, in
// the same FrameFlags that socklab's analysis is compared in.
#pragma once

#include <filesystem>
#include <optional>

#include "tests/trace/analyzed_trace.hpp"

namespace socklab::trace_test {

// The tshark program on PATH, if there is one.
std::optional<std::filesystem::path> find_tshark();

// Runs `tshark -r capture -T fields -e frame.number -e tcp.analysis.<flag>...` for every flag
// socklab knows. Throws std::runtime_error when tshark cannot run or fails on the file.
FrameFlags tshark_flags(const std::filesystem::path& tshark, const std::filesystem::path& capture);

}  // namespace socklab::trace_test
