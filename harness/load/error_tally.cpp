#include "harness/load/error_tally.hpp"

#include <cerrno>

#include "net/errno_text.hpp"

namespace socklab::load {

void ErrorTally::count_failure(int error_number, const char* during) {
  // EPIPE comes from a send() after the connection was reset or closed: the same event as a
  // reset seen by recv(), noticed from the other direction.
  if (error_number == ECONNRESET || error_number == EPIPE) {
    ++connection_resets;
    return;
  }
  if (error_number == ETIMEDOUT) {
    ++timeouts;
    return;
  }
  ++other_failures;
  if (first_other_failure.empty()) {
    first_other_failure = std::string(during) + ": " + errno_text(error_number);
  }
}

void ErrorTally::merge(const ErrorTally& other) {
  connection_resets += other.connection_resets;
  closed_by_server += other.closed_by_server;
  protocol_errors += other.protocol_errors;
  timeouts += other.timeouts;
  other_failures += other.other_failures;
  if (first_protocol_error.empty()) first_protocol_error = other.first_protocol_error;
  if (first_other_failure.empty()) first_other_failure = other.first_other_failure;
}

}  // namespace socklab::load
