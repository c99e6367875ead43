// The readiness line of the server contract, "listening on HOST:PORT", found in a server's
// stdout and checked strictly: the harness connects to what it says, so it must say it exactly.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace socklab::harness::detail {

struct ListeningLine {
  bool found = false;        // a complete line (ending in '\n') starting with "listening on "
  bool well_formed = false;  // and the rest is HOST:PORT
  std::string text;          // that line, without its newline
  std::string host;          // an IPv4 address, or an IPv6 address written [ADDR] (no brackets)
  std::uint16_t port = 0;    // 1-65535
};

// The first complete line of `output` that starts with "listening on ". Lines before it are
// allowed (a server may log something first); an unfinished last line is not a line yet.
ListeningLine find_listening_line(std::string_view output);

}  // namespace socklab::harness::detail
