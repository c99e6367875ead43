// RouteNetlink: the link and address requests a topology needs, sent over rtnetlink through
// libnl-route-3. A netlink socket belongs to the network namespace its thread was in when the
// socket was made, and keeps acting there wherever the thread goes afterwards.
#pragma once

#include <memory>
#include <string>

#include "net/fd.hpp"

struct nl_sock;

namespace socklab::harness {

class RouteNetlink {
 public:
  // Connects in the calling thread's current network namespace.
  RouteNetlink();
  RouteNetlink(const RouteNetlink&) = delete;
  RouteNetlink& operator=(const RouteNetlink&) = delete;
  RouteNetlink(RouteNetlink&&) = default;
  RouteNetlink& operator=(RouteNetlink&&) = default;

  int interface_index(const std::string& name);
  // A bridge, up, with STP off and forward delay 0: a new port forwards at once instead of
  // spending 2 x 15 s in the listening and learning states, during which SYNs are dropped.
  void add_bridge(const std::string& name);
  // A veth pair: `name` here, up and enslaved to `master_index`; `peer_name` created directly in
  // the namespace `peer_netns_fd` (down: that namespace's own socket brings it up).
  void add_veth_pair(const std::string& name, int master_index, const std::string& peer_name,
                     int peer_netns_fd);
  void set_up(const std::string& name);
  // "198.18.0.1/16": the address and, through its prefix, the on-link route to its subnet.
  void add_ipv4_address(const std::string& interface, const std::string& address_with_prefix);

  // IF_OPER_UP: carrier on and the transmit queue attached. Until the kernel's link watcher has
  // done that (asynchronously, after the link came up), packets sent through it are dropped.
  bool operationally_up(const std::string& name);
  // The bridge port's STP state is "forwarding"; in any other state the bridge drops frames.
  bool bridge_port_forwarding(const std::string& name);

 private:
  struct SocketFree {
    void operator()(nl_sock* socket) const;
  };
  // libnl owns the descriptor inside nl_sock and closes it in nl_socket_free().
  std::unique_ptr<nl_sock, SocketFree> socket_;
};

// A non-blocking netlink socket subscribed to link changes (RTMGRP_LINK) in the calling
// thread's namespace: it turns readable when any link there changes, so waiting for a link to
// come up is waiting for an event, not sleeping.
Fd watch_link_changes();

// Reads and drops every queued notification (their content is not needed: the caller asks the
// kernel for the current state again).
void discard_link_changes(int watch_fd);

}  // namespace socklab::harness
