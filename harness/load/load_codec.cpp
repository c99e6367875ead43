#include "harness/load/load_codec.hpp"

#include <algorithm>
#include <cstdio>

namespace socklab::load {

std::optional<LoadProtocol> load_protocol_named(std::string_view name) {
  if (name == "echo") return LoadProtocol::echo;
  if (name == "resp") return LoadProtocol::resp;
  if (name == "memcache") return LoadProtocol::memcache;
  return std::nullopt;
}

const char* load_protocol_name(LoadProtocol protocol) {
  switch (protocol) {
    case LoadProtocol::echo:
      return "echo";
    case LoadProtocol::resp:
      return "resp";
    case LoadProtocol::memcache:
      return "memcache";
  }
  return "unknown";
}

LoadCodec LoadCodec::echo(std::size_t size) {
  // Letters whose sequence does not repeat at the request's own length, so a reply that lost or
  // repeated a few bytes does not happen to look like the next request's echo.
  std::string pattern(size, 'a');
  for (std::size_t i = 0; i < size; ++i)
    pattern[i] = static_cast<char>('a' + (i * 7 + i / 26) % 26);
  return LoadCodec(pattern, pattern);
}

LoadCodec LoadCodec::resp_ping() { return LoadCodec("*1\r\n$4\r\nPING\r\n", "+PONG\r\n"); }

LoadCodec LoadCodec::memcache_noop() { return LoadCodec("mn\r\n", "MN\r\n"); }

LoadCodec LoadCodec::for_protocol(LoadProtocol protocol, std::size_t echo_size) {
  switch (protocol) {
    case LoadProtocol::echo:
      return echo(echo_size);
    case LoadProtocol::resp:
      return resp_ping();
    case LoadProtocol::memcache:
      return memcache_noop();
  }
  return echo(echo_size);
}

ResponseMatch LoadCodec::match_response(std::string_view received) const {
  const std::size_t compared = std::min(received.size(), response_.size());
  const auto [expected_at, received_at] =
      std::mismatch(response_.begin(), response_.begin() + static_cast<std::ptrdiff_t>(compared),
                    received.begin());
  if (received_at != received.begin() + static_cast<std::ptrdiff_t>(compared)) {
    return {ResponseStatus::mismatch, 0, static_cast<std::size_t>(received_at - received.begin())};
  }
  if (compared < response_.size()) return {ResponseStatus::incomplete, 0, 0};
  return {ResponseStatus::complete, response_.size(), 0};
}

std::string printable_bytes(std::string_view bytes, std::size_t max_bytes) {
  std::string text;
  for (std::size_t i = 0; i < bytes.size() && i < max_bytes; ++i) {
    const char c = bytes[i];
    if (c == '\r') {
      text += "\\r";
    } else if (c == '\n') {
      text += "\\n";
    } else if (c >= 0x20 && c < 0x7f && c != '\\') {
      text += c;
    } else {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned char>(c));
      text += escaped;
    }
  }
  if (bytes.size() > max_bytes) text += "...";
  return text;
}

}  // namespace socklab::load
