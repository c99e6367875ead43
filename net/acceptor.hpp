// Acceptor: takes connections off a listening socket's accept queue and classifies every
// outcome of accept(2), including the two that trap event-loop servers (see accept_one).
#pragma once

#include <string>

#include "net/fd.hpp"

namespace socklab {

enum class AcceptStatus {
  accepted,         // `connection` holds the new socket
  queue_empty,      // EAGAIN: no completed handshake is waiting (non-blocking listener only)
  retry,            // the pending connection died before we took it, or a signal came: try again
  out_of_fds,       // EMFILE/ENFILE: one pending connection was taken and closed (see below)
  listener_closed,  // EINVAL: the listener was shut down, as the blocking server does to stop
};

struct AcceptOutcome {
  AcceptStatus status;
  Fd connection;
  int error_number = 0;  // the errno behind retry, out_of_fds and listener_closed
};

class Acceptor {
 public:
  // `nonblocking_connections`: accepted sockets get O_NONBLOCK atomically (accept4).
  Acceptor(Fd listener, bool nonblocking_connections);

  int fd() const { return listener_.get(); }
  AcceptOutcome accept_one();

 private:
  Fd listener_;
  bool nonblocking_connections_;
  // A descriptor kept in reserve for EMFILE: when the process is out of descriptors the pending
  // connection stays in the queue, the listener stays readable, and a level-triggered loop spins
  // at 100% CPU. Closing the reserve frees one slot to accept that connection and close it, so
  // the client sees a clean close instead of a hang (the trick libev and muduo use).
  Fd reserve_;
};

}  // namespace socklab
