#include "harness/sandbox/topology.hpp"

#include <poll.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>

#include "harness/sandbox/offloads.hpp"
#include "harness/sandbox/proc_file.hpp"
#include "harness/sandbox/route_netlink.hpp"
#include "harness/sandbox/tcp_sysctls.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {

namespace {

constexpr const char* kServerAddress = "198.18.0.1";
constexpr const char* kPrefix = "/16";
constexpr const char* kClientInterface = "eth0";
constexpr int kMaxClientHosts = 200;  // 198.18.0.10 .. 198.18.0.209; "veth-c199" fits IFNAMSIZ
// Links are up within milliseconds; the margin is for a grading machine under load.
constexpr std::chrono::seconds kLinkUpTimeout{5};

std::string client_address(int index) { return "198.18.0." + std::to_string(10 + index); }
std::string veth_name(int index) { return "veth-c" + std::to_string(index); }

// Runs `step` with the calling thread inside `host`'s namespace; an error names the host.
template <class Step>
auto inside(const Host& host, Step&& step) {
  try {
    EnterNetNamespace enter(host.netns);
    return step();
  } catch (const std::exception& error) {
    throw std::runtime_error(host.name + " host: " + error.what());
  }
}

Host make_host(const std::string& name, const std::string& address) {
  try {
    return Host{name, NetNamespace::create(), address};
  } catch (const std::exception& error) {
    throw std::runtime_error("create " + name + " host: " + error.what());
  }
}

// A host's netlink socket and link watch, both made inside its namespace and acting there.
struct HostLinks {
  RouteNetlink netlink;
  Fd watch;
};

// IPv6 would have every new interface send router solicitations, MLD reports and duplicate
// address probes as it comes up: noise in the capture of an IPv4 scenario. "default" applies to
// interfaces made from now on; lo, made with the namespace, keeps ::1.
void keep_new_interfaces_ipv4_only() {
  const std::string path = "/proc/sys/net/ipv6/conf/default/disable_ipv6";
  int error = write_proc_file(path, "1");
  if (error == ENOENT) return;  // a kernel without IPv6 makes no such noise
  if (error != 0) throw_errno("write " + path + " = 1", error);
}

// Every host starts alike: pinned TCP settings, IPv4 only, loopback up, a watch on its links.
HostLinks prepare_host(const Host& host) {
  return inside(host, [] {
    pin_tcp_sysctls();
    keep_new_interfaces_ipv4_only();
    HostLinks links{RouteNetlink(), watch_link_changes()};
    links.netlink.set_up("lo");
    return links;
  });
}

void build_server_host(const Host& server, HostLinks& links, const std::vector<Host>& clients) {
  inside(server, [&] {
    const std::string bridge = Topology::kCaptureInterface;
    links.netlink.add_bridge(bridge);
    disable_segmentation_offloads(bridge);
    links.netlink.add_ipv4_address(bridge, server.address + kPrefix);
    int bridge_index = links.netlink.interface_index(bridge);
    for (std::size_t i = 0; i < clients.size(); ++i) {
      // Made here and enslaved at once; its peer is born in the client's namespace as eth0.
      std::string port = veth_name(static_cast<int>(i));
      links.netlink.add_veth_pair(port, bridge_index, kClientInterface, clients[i].netns.fd());
      disable_segmentation_offloads(port);
    }
  });
}

void build_client_host(const Host& client, HostLinks& links) {
  inside(client, [&] {
    links.netlink.add_ipv4_address(kClientInterface, client.address + kPrefix);
    disable_segmentation_offloads(kClientInterface);
    links.netlink.set_up(kClientInterface);
  });
}

// What is not yet able to carry the first SYN, or "" once everything is.
std::string links_not_forwarding(HostLinks& server, std::vector<HostLinks>& clients) {
  std::string missing;
  // A bridge has carrier only while one of its ports forwards: with no client, br0 stays down.
  if (!clients.empty() && !server.netlink.operationally_up(Topology::kCaptureInterface)) {
    missing += " server br0 down;";
  }
  for (std::size_t i = 0; i < clients.size(); ++i) {
    std::string port = veth_name(static_cast<int>(i));
    if (!server.netlink.operationally_up(port)) missing += " server " + port + " down;";
    if (!server.netlink.bridge_port_forwarding(port)) {
      missing += " br0 port " + port + " not forwarding;";
    }
    if (!clients[i].netlink.operationally_up(kClientInterface)) {
      missing += " client" + std::to_string(i) + " eth0 down;";
    }
  }
  return missing;
}

// Carrier and bridge port state change asynchronously after the links are set up (the kernel's
// link watcher attaches the transmit queue a moment later). A SYN sent before that is dropped
// and retransmitted only after 1 s, which would distort every timing verdict: so wait here,
// re-checking whenever any host reports a link change.
void wait_until_forwarding(HostLinks& server, std::vector<HostLinks>& clients) {
  std::vector<pollfd> watches;
  watches.push_back(pollfd{server.watch.get(), POLLIN, 0});
  for (HostLinks& client : clients) watches.push_back(pollfd{client.watch.get(), POLLIN, 0});
  auto deadline = std::chrono::steady_clock::now() + kLinkUpTimeout;
  for (;;) {
    std::string missing = links_not_forwarding(server, clients);
    if (missing.empty()) return;
    auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (remaining.count() <= 0) {
      throw std::runtime_error("links still not forwarding after " +
                               std::to_string(kLinkUpTimeout.count()) + " s:" + missing);
    }
    int ready = ::poll(watches.data(), watches.size(), static_cast<int>(remaining.count()));
    if (ready < 0 && errno != EINTR) throw_errno("poll link notifications", errno);
    for (const pollfd& watch : watches) {
      if (watch.revents != 0) discard_link_changes(watch.fd);
    }
  }
}

}  // namespace

std::string Topology::client_port(int index) { return veth_name(index); }

Topology Topology::create(int client_host_count) {
  if (client_host_count < 0 || client_host_count > kMaxClientHosts) {
    throw std::invalid_argument("a topology has 0 to " + std::to_string(kMaxClientHosts) +
                                " client hosts, not " + std::to_string(client_host_count));
  }
  // If any step throws, the namespaces made so far close with these objects, and with them
  // every interface inside: nothing is left to clean up by hand.
  Host server = make_host("server", kServerAddress);
  std::vector<Host> clients;
  clients.reserve(static_cast<std::size_t>(client_host_count));
  for (int i = 0; i < client_host_count; ++i) {
    clients.push_back(make_host("client" + std::to_string(i), client_address(i)));
  }
  // Clients first: eth0 is born in a client's namespace and takes its IPv6 setting from there.
  std::vector<HostLinks> client_links;
  client_links.reserve(clients.size());
  for (const Host& client : clients) client_links.push_back(prepare_host(client));
  HostLinks server_links = prepare_host(server);

  build_server_host(server, server_links, clients);
  for (std::size_t i = 0; i < clients.size(); ++i) build_client_host(clients[i], client_links[i]);
  wait_until_forwarding(server_links, client_links);
  return Topology(std::move(server), std::move(clients));
}

}  // namespace socklab::harness
