// NetNamespace: one network namespace, alive as long as this object (its fd) is. A namespace
// holds its own interfaces, addresses, routes, sockets, nftables rules and TCP sysctls, so each
// scenario's hosts are separate machines to TCP, and nothing of them outlives the harness.
#pragma once

#include "net/fd.hpp"

namespace socklab::harness {

class NetNamespace {
 public:
  // A new namespace with only a loopback interface (down). The calling thread stays where it was.
  static NetNamespace create();
  // The namespace the calling thread is in now.
  static NetNamespace current();

  int fd() const { return fd_.get(); }

 private:
  explicit NetNamespace(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
};

// While alive, the calling thread is inside `target`; sockets it creates belong to `target`
// and keep belonging to it after the thread leaves. Not movable: it restores one thread.
class EnterNetNamespace {
 public:
  explicit EnterNetNamespace(const NetNamespace& target);
  ~EnterNetNamespace();
  EnterNetNamespace(const EnterNetNamespace&) = delete;
  EnterNetNamespace& operator=(const EnterNetNamespace&) = delete;

 private:
  NetNamespace previous_;
};

}  // namespace socklab::harness
