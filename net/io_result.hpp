// The outcome of one read or write. In network code a reset peer is a normal event, not an
// exception, so every I/O call returns one of these and the caller decides what it means.
#pragma once

#include <cstddef>

namespace socklab {

enum class IoStatus {
  transferred,    // bytes moved (bytes > 0)
  would_block,    // EAGAIN/EWOULDBLOCK: nothing now; wait for the readiness event
  end_of_stream,  // read returned 0: the peer sent FIN and will send nothing more
  failed,         // error_number says why (ECONNRESET, EPIPE, ETIMEDOUT, ...)
};

struct IoResult {
  IoStatus status = IoStatus::would_block;
  std::size_t bytes = 0;
  int error_number = 0;

  static IoResult transferred(std::size_t n) { return {IoStatus::transferred, n, 0}; }
  static IoResult would_block() { return {IoStatus::would_block, 0, 0}; }
  static IoResult end_of_stream() { return {IoStatus::end_of_stream, 0, 0}; }
  static IoResult failed(int error_number) { return {IoStatus::failed, 0, error_number}; }
};

}  // namespace socklab
