#include "harness/process/listening_line.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace socklab::harness::detail {
namespace {

constexpr std::string_view kPrefix = "listening on ";

// Decimal, 1-65535, no sign, no leading zero, nothing after it.
bool parse_port(std::string_view text, std::uint16_t& port) {
  if (text.empty() || text.size() > 5 || text.front() < '1' || text.front() > '9') return false;
  unsigned value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value > 65535) return false;
  port = static_cast<std::uint16_t>(value);
  return true;
}

// inet_pton accepts only the canonical forms: dotted decimal without leading zeros, or IPv6.
bool parse_host(std::string_view text, std::string& host) {
  unsigned char address[16];
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    host = std::string(text.substr(1, text.size() - 2));
    return ::inet_pton(AF_INET6, host.c_str(), address) == 1;
  }
  host = std::string(text);
  return ::inet_pton(AF_INET, host.c_str(), address) == 1;
}

}  // namespace

ListeningLine find_listening_line(std::string_view output) {
  ListeningLine line;
  for (std::size_t start = 0; start < output.size();) {
    std::size_t end = output.find('\n', start);
    if (end == std::string_view::npos) break;  // unfinished: the server is still writing it
    std::string_view text = output.substr(start, end - start);
    start = end + 1;
    if (text.substr(0, kPrefix.size()) != kPrefix) continue;
    line.found = true;
    line.text = std::string(text);
    std::string_view endpoint = text.substr(kPrefix.size());
    std::size_t colon = endpoint.rfind(':');
    line.well_formed = colon != std::string_view::npos &&
                       parse_host(endpoint.substr(0, colon), line.host) &&
                       parse_port(endpoint.substr(colon + 1), line.port);
    if (!line.well_formed) {
      line.host.clear();
      line.port = 0;
    }
    return line;
  }
  return line;
}

}  // namespace socklab::harness::detail
