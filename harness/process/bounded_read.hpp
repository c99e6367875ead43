// Reading files the harness does not control: a server's logs, which it may fill with megabytes,
// and /proc entries, which vanish when the process does. Every read is bounded.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

namespace socklab::harness::detail {

// At most the first `max_bytes` of the file; nullopt when it cannot be opened (it is gone).
std::optional<std::string> read_head(const std::filesystem::path& file, std::size_t max_bytes);

// At most the last `max_bytes` of the file; nullopt when it cannot be opened.
std::optional<std::string> read_tail(const std::filesystem::path& file, std::size_t max_bytes);

}  // namespace socklab::harness::detail
