// ErrorTally: what went wrong on the connections of a load run, by kind. In a load test a reset
// or a closed connection is a result to report, not a reason to stop: the run counts it, closes
// that one connection and goes on with the others.
#pragma once

#include <cstdint>
#include <string>

namespace socklab::load {

struct ErrorTally {
  std::uint64_t connection_resets = 0;  // ECONNRESET or EPIPE: the server's kernel sent RST
  std::uint64_t closed_by_server = 0;   // recv() returned 0: the server sent FIN mid-run
  std::uint64_t protocol_errors = 0;    // a reply that was not the expected one
  std::uint64_t timeouts = 0;           // requests in flight and no reply for kResponseTimeout
  std::uint64_t other_failures = 0;     // any other errno from recv/send/epoll
  std::string first_protocol_error;     // the first wrong reply, as printable text
  std::string first_other_failure;      // the first other failure, with its errno name

  std::uint64_t total() const {
    return connection_resets + closed_by_server + protocol_errors + timeouts + other_failures;
  }

  // Counts a failed recv() or send() by its errno; `during` is "recv" or "send".
  void count_failure(int error_number, const char* during);
  void merge(const ErrorTally& other);
};

}  // namespace socklab::load
