// TargetServers: what the client under test of a client lab connects to, made by the harness
// inside one host: listeners that answer PING with +PONG (as a Redis master answers a replica's
// first PING), a listener whose accept queue is full, and ports where nothing listens.
// Sockets made here belong to the host's namespace; one thread serves every responder.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

#include "harness/sandbox/net_namespace.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

class TargetServers {
 public:
  // `host`: the namespace to make the sockets in (null: the harness's own); `address`: the
  // address they are bound to there.
  TargetServers(const NetNamespace* host, std::string address);
  ~TargetServers();  // stops the thread; every socket closes, peers see FIN or RST
  TargetServers(const TargetServers&) = delete;
  TargetServers& operator=(const TargetServers&) = delete;

  const std::string& address() const { return address_; }
  // A listener that accepts and answers each "PING\r\n" with "+PONG\r\n". Returns its port.
  std::uint16_t add_responder();
  // A socket bound to a port but not listening: the kernel answers a SYN with RST (refused),
  // and since the port stays bound nobody else can start listening there meanwhile.
  std::uint16_t add_closed_port();
  // A listener with backlog 0 that never accepts, its accept queue already holding one
  // connection made from inside the host: Linux then drops every new SYN instead of answering.
  std::uint16_t add_full_accept_queue();

  // The host kernel's count of SYNs dropped because a listener's accept queue was full
  // (TcpExt ListenOverflows in /proc/net/netstat, per network namespace); -1: not readable.
  long listen_overflows() const;
  int pings_answered() const { return pings_.load(); }

 private:
  Fd bound_socket(std::uint16_t port = 0);
  void serve();

  const NetNamespace* host_;
  std::string address_;
  Fd epoll_;
  Fd stop_event_;
  // Listeners, closed ports, full queues and their queued connections: closed by the
  // destructor after the thread has stopped using them.
  std::vector<Fd> held_;
  std::atomic<int> pings_{0};
  std::thread thread_;
};

}  // namespace socklab::harness
