#include "harness/process/voluntary_switches.hpp"

#include <charconv>

#include "harness/process/thread_ids.hpp"

namespace socklab::harness::detail {

std::optional<std::uint64_t> parse_voluntary_switches(std::string_view status) {
  constexpr std::string_view kKey = "\nvoluntary_ctxt_switches:";
  const std::size_t at = status.find(kKey);
  if (at == std::string_view::npos) return std::nullopt;
  std::string_view rest = status.substr(at + kKey.size());
  while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t')) rest.remove_prefix(1);
  std::uint64_t count = 0;
  auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), count);
  if (error != std::errc() || end == rest.data()) return std::nullopt;
  return count;
}

std::optional<std::uint64_t> voluntary_switches(pid_t pid) {
  // A status file is about 1.5 KB; the line sits near its end.
  auto files = read_thread_files(pid, "status", 16384);
  if (!files || files->empty()) return std::nullopt;
  std::uint64_t total = 0;
  for (const auto& [tid, text] : *files) {
    auto count = parse_voluntary_switches(text);
    if (!count) return std::nullopt;  // not the format this code knows: trust none of it
    total += *count;
  }
  return total;
}

}  // namespace socklab::harness::detail
