#include "harness/sandbox/route_netlink.hpp"

#include <linux/if.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

#include "net/errno_text.hpp"

namespace socklab::harness {

namespace {

// Owners for libnl's reference-counted objects, so that every early return releases them.
template <auto Release>
struct Releaser {
  template <class T>
  void operator()(T* object) const {
    Release(object);
  }
};
using LinkPtr = std::unique_ptr<rtnl_link, Releaser<rtnl_link_put>>;
using AddrPtr = std::unique_ptr<nl_addr, Releaser<nl_addr_put>>;
using RouteAddrPtr = std::unique_ptr<rtnl_addr, Releaser<rtnl_addr_put>>;
using CachePtr = std::unique_ptr<nl_cache, Releaser<nl_cache_free>>;
using MessagePtr = std::unique_ptr<nl_msg, Releaser<nlmsg_free>>;

// libnl folds the kernel's errno into its own codes; map back the ones that say the same thing,
// so the message names the errno a student can look up.
int errno_of(int nl_error) {
  static constexpr struct {
    int nl_error;
    int error;
  } kSameMeaning[] = {
      {NLE_PERM, EPERM},
      {NLE_NOACCESS, EACCES},
      {NLE_EXIST, EEXIST},
      {NLE_NODEV, ENODEV},
      {NLE_OBJ_NOTFOUND, ENOENT},
      {NLE_NOADDR, EADDRNOTAVAIL},
      {NLE_INVAL, EINVAL},
      {NLE_RANGE, ERANGE},
      {NLE_BUSY, EBUSY},
      {NLE_NOMEM, ENOMEM},
      {NLE_AGAIN, EAGAIN},
      {NLE_OPNOTSUPP, EOPNOTSUPP},
      {NLE_AF_NOSUPPORT, EAFNOSUPPORT},
      {NLE_PROTO_MISMATCH, EPROTONOSUPPORT},
  };
  for (const auto& pair : kSameMeaning) {
    if (pair.nl_error == std::abs(nl_error)) return pair.error;
  }
  return 0;
}

[[noreturn]] void fail(const std::string& step, int nl_error) {
  if (int error = errno_of(nl_error)) throw_errno(step, error);
  throw std::runtime_error(step + ": libnl: " + nl_geterror(nl_error));
}

void check(const std::string& step, int nl_result) {
  if (nl_result < 0) fail(step, nl_result);
}

}  // namespace

void RouteNetlink::SocketFree::operator()(nl_sock* socket) const { nl_socket_free(socket); }

RouteNetlink::RouteNetlink() : socket_(nl_socket_alloc()) {
  if (!socket_) throw std::runtime_error("nl_socket_alloc: out of memory");
  // nl_connect() opens the socket with SOCK_CLOEXEC: a server started meanwhile by another
  // thread does not inherit it.
  check("connect to rtnetlink", nl_connect(socket_.get(), NETLINK_ROUTE));
}

int RouteNetlink::interface_index(const std::string& name) {
  rtnl_link* found = nullptr;
  check("look up interface " + name, rtnl_link_get_kernel(socket_.get(), 0, name.c_str(), &found));
  LinkPtr link(found);
  return rtnl_link_get_ifindex(link.get());
}

void RouteNetlink::add_bridge(const std::string& name) {
  // libnl 3.5 has no setter for the bridge's own attributes (IFLA_BR_*), so this one request is
  // built by hand, as `ip link add br0 up type bridge stp_state 0 forward_delay 0` does.
  const std::string step = "create bridge " + name;
  MessagePtr message(nlmsg_alloc_simple(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL));
  if (!message) fail(step, -NLE_NOMEM);
  ifinfomsg header{};
  header.ifi_family = AF_UNSPEC;
  header.ifi_flags = IFF_UP;
  header.ifi_change = IFF_UP;
  nl_msg* m = message.get();
  check(step, nlmsg_append(m, &header, sizeof header, NLMSG_ALIGNTO));
  check(step, nla_put_string(m, IFLA_IFNAME, name.c_str()));
  nlattr* link_info = nla_nest_start(m, IFLA_LINKINFO);
  if (!link_info) fail(step, -NLE_MSGSIZE);
  check(step, nla_put_string(m, IFLA_INFO_KIND, "bridge"));
  nlattr* bridge_data = nla_nest_start(m, IFLA_INFO_DATA);
  if (!bridge_data) fail(step, -NLE_MSGSIZE);
  check(step, nla_put_u32(m, IFLA_BR_STP_STATE, 0));
  check(step, nla_put_u32(m, IFLA_BR_FORWARD_DELAY, 0));
  check(step, nla_nest_end(m, bridge_data));
  check(step, nla_nest_end(m, link_info));
  // nl_send_sync() frees the message whatever happens, and waits for the kernel's ACK.
  check(step, nl_send_sync(socket_.get(), message.release()));
}

void RouteNetlink::add_veth_pair(const std::string& name, int master_index,
                                 const std::string& peer_name, int peer_netns_fd) {
  const std::string step = "create veth pair " + name + "/" + peer_name;
  LinkPtr link(rtnl_link_veth_alloc());
  if (!link) fail(step, -NLE_NOMEM);
  rtnl_link_set_name(link.get(), name.c_str());
  rtnl_link_set_master(link.get(), master_index);
  rtnl_link_set_flags(link.get(), IFF_UP);
  LinkPtr peer(rtnl_link_veth_get_peer(link.get()));  // one more reference, released by LinkPtr
  rtnl_link_set_name(peer.get(), peer_name.c_str());
  // IFLA_NET_NS_FD on the peer: the kernel creates it in that namespace, so its name is checked
  // there and never clashes with another client's eth0.
  rtnl_link_set_ns_fd(peer.get(), peer_netns_fd);
  check(step, rtnl_link_add(socket_.get(), link.get(), NLM_F_CREATE | NLM_F_EXCL));
}

void RouteNetlink::set_up(const std::string& name) {
  const std::string step = "set " + name + " up";
  rtnl_link* found = nullptr;
  check(step, rtnl_link_get_kernel(socket_.get(), 0, name.c_str(), &found));
  LinkPtr current(found);
  LinkPtr change(rtnl_link_alloc());
  if (!change) fail(step, -NLE_NOMEM);
  rtnl_link_set_flags(change.get(), IFF_UP);
  check(step, rtnl_link_change(socket_.get(), current.get(), change.get(), 0));
}

void RouteNetlink::add_ipv4_address(const std::string& interface,
                                    const std::string& address_with_prefix) {
  const std::string step = "add address " + address_with_prefix + " to " + interface;
  nl_addr* parsed = nullptr;
  check(step, nl_addr_parse(address_with_prefix.c_str(), AF_INET, &parsed));
  AddrPtr local(parsed);
  RouteAddrPtr address(rtnl_addr_alloc());
  if (!address) fail(step, -NLE_NOMEM);
  rtnl_addr_set_ifindex(address.get(), interface_index(interface));
  rtnl_addr_set_family(address.get(), AF_INET);
  check(step, rtnl_addr_set_local(address.get(), local.get()));
  rtnl_addr_set_prefixlen(address.get(), static_cast<int>(nl_addr_get_prefixlen(local.get())));
  check(step, rtnl_addr_add(socket_.get(), address.get(), NLM_F_EXCL));
}

bool RouteNetlink::operationally_up(const std::string& name) {
  rtnl_link* found = nullptr;
  check("query " + name, rtnl_link_get_kernel(socket_.get(), 0, name.c_str(), &found));
  LinkPtr link(found);
  return rtnl_link_get_operstate(link.get()) == IF_OPER_UP;
}

bool RouteNetlink::bridge_port_forwarding(const std::string& name) {
  // Port states travel only in AF_BRIDGE link dumps (IFLA_PROTINFO), one entry per port.
  nl_cache* dumped = nullptr;
  check("list bridge ports", rtnl_link_alloc_cache(socket_.get(), AF_BRIDGE, &dumped));
  CachePtr ports(dumped);
  LinkPtr port(rtnl_link_get_by_name(ports.get(), name.c_str()));
  return port && rtnl_link_bridge_get_port_state(port.get()) == BR_STATE_FORWARDING;
}

Fd watch_link_changes() {
  Fd watch(::socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!watch) throw_errno("socket(AF_NETLINK)", errno);
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  local.nl_groups = RTMGRP_LINK;
  if (::bind(watch.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    throw_errno("bind netlink socket to RTMGRP_LINK", errno);
  }
  return watch;
}

void discard_link_changes(int watch_fd) {
  char notifications[8192];
  for (;;) {
    if (::recv(watch_fd, notifications, sizeof notifications, 0) >= 0) continue;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return;  // drained
    // ENOBUFS: notifications overflowed the socket and some were lost. That is harmless here,
    // since the caller re-reads the state itself, and the socket keeps working.
    if (errno == ENOBUFS) continue;
    throw_errno("recv link notifications", errno);
  }
}

}  // namespace socklab::harness
