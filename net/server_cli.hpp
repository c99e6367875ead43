// The server command-line contract shared by every reference and student server
// (shared/DESIGN.md, "The server contract"), so the harness can drive any of them the same way.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "net/codec.hpp"
#include "net/fd.hpp"
#include "net/socket.hpp"

namespace socklab {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks a free port; the listening line tells which
  Protocol protocol = Protocol::echo;
  std::chrono::milliseconds idle_timeout{0};  // 0: never close a connection for idleness
  std::optional<KeepaliveSettings> keepalive;
  std::size_t max_connections = 10000;
  std::size_t high_water = 1024 * 1024;  // per-connection unsent output that pauses reading
};

// A flag one lab adds to the contract, such as the close lab's --close-mode. `check` returns an
// empty string for a valid value, else what was expected: a bad value is a usage error (exit 2)
// like a bad contract flag, and --help lists the flag with the others.
struct LabOption {
  std::string flag;    // "--close-mode"
  std::string help;
  std::string* value;  // holds the default on entry and the value given on return
  std::function<std::string(const std::string&)> check;
};

// Parses argv; on --help or a bad flag prints the usage (or the error) and exits (0 or 2).
ServerOptions parse_server_options(int argc, char** argv, const std::string& description,
                                   const std::vector<LabOption>& lab_options = {});

// Prints exactly "listening on HOST:PORT" and flushes: the harness waits for this line.
void announce_listening(int listener_fd);

// Per-connection socket options every server applies right after accept: TCP_NODELAY (replies
// go out at once instead of waiting on Nagle for the previous reply's ACK) and keepalive.
void prepare_connection(int fd, const ServerOptions& options);

}  // namespace socklab
