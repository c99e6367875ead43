// PeerProcess: a client connection owned by a process of its own, so that the process can
// crash. When a process dies, its kernel closes its sockets for it: with nothing unread the
// peer sees an ordinary FIN, with unread bytes in the receive queue it sees RST (RFC 2525,
// "data loss on close"), which is what a server meets when a client crashes mid-conversation.
#pragma once

#include <sys/types.h>

#include "net/fd.hpp"

namespace socklab::harness {

class PeerProcess {
 public:
  // Hands `socket` to a new process that holds it and does nothing else; after this the
  // harness keeps no reference, so the socket closes exactly when that process dies.
  // Throws std::system_error if the process cannot be made.
  static PeerProcess adopt(Fd socket);

  PeerProcess(PeerProcess&& other) noexcept;
  PeerProcess& operator=(PeerProcess&&) = delete;
  ~PeerProcess();  // crashes it if still alive: no process outlives its scenario

  // SIGKILL, then waits until the process is gone (and its sockets are closed).
  void crash();
  pid_t pid() const { return pid_; }

 private:
  explicit PeerProcess(pid_t pid) : pid_(pid) {}
  pid_t pid_ = -1;
};

}  // namespace socklab::harness
