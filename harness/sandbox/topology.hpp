// Topology: the hosts of one scenario. The server host holds a bridge, br0, 198.18.0.1/16;
// each client host is its own namespace with eth0 = 198.18.0.(10+i)/16, plugged into br0 by a
// veth pair whose other end, veth-c<i>, sits in the server host. 198.18.0.0/15 is reserved for
// benchmarking (RFC 2544) and exists only inside these namespaces.
//
//   [client host 0: eth0 198.18.0.10] ==veth== [veth-c0 -> br0 198.18.0.1 : server host]
//   [client host 1: eth0 198.18.0.11] ==veth== [veth-c1 ->/
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/sandbox/net_namespace.hpp"

namespace socklab::harness {

struct Host {
  std::string name;     // "server", "client0", ...
  NetNamespace netns;
  std::string address;  // "198.18.0.1"
};

class Topology {
 public:
  // Builds the namespaces, links, addresses and pinned sysctls; throws std::runtime_error with
  // the failing step ("create veth pair veth-c0/eth0: EPERM (Operation not permitted)").
  static Topology create(int client_host_count);

  const Host& server() const { return server_; }
  const Host& client(int index) const { return clients_.at(static_cast<std::size_t>(index)); }
  int client_count() const { return static_cast<int>(clients_.size()); }

  // The interface in the server host that sees every packet of every client: capture here.
  static constexpr const char* kCaptureInterface = "br0";
  // The server host's end of client `index`'s link: it sees everything that client sends and
  // receives, to the server host and to other client hosts alike (frames the bridge forwards
  // between two of its ports never pass br0 itself).
  static std::string client_port(int index);

 private:
  Topology(Host server, std::vector<Host> clients)
      : server_(std::move(server)), clients_(std::move(clients)) {}
  Host server_;
  std::vector<Host> clients_;
};

}  // namespace socklab::harness
