// The sandbox stage: every host of a scenario is its own network namespace, the client hosts
// reach the server host through br0 from their own addresses without losing the first SYN,
// TCP settings are pinned in each host, and nothing of a Topology outlives it.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <future>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/sandbox/net_namespace.hpp"
#include "harness/sandbox/route_netlink.hpp"
#include "harness/sandbox/sandbox_diagnosis.hpp"
#include "harness/sandbox/tcp_sysctls.hpp"
#include "harness/sandbox/topology.hpp"
#include "harness/sandbox/user_namespace.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace {

using namespace socklab;
using namespace socklab::harness;
using namespace std::chrono_literals;

SandboxSupport g_sandbox;  // filled by main() before any thread exists

class Sandbox : public testing::Test {
 protected:
  void SetUp() override {
    if (!g_sandbox.available) {
      GTEST_SKIP() << "no network namespaces here: " << g_sandbox.reason << "\n"
                   << g_sandbox.remedy;
    }
  }
};

ino_t inode_of(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) throw_errno("stat " + path, errno);
  return info.st_ino;
}

ino_t thread_netns_inode() { return inode_of("/proc/thread-self/ns/net"); }

std::vector<std::string> interface_names(const NetNamespace& netns) {
  EnterNetNamespace inside(netns);
  std::vector<std::string> names;
  struct if_nameindex* list = ::if_nameindex();
  if (!list) throw_errno("if_nameindex", errno);
  for (struct if_nameindex* entry = list; entry->if_index != 0; ++entry) {
    names.push_back(entry->if_name);
  }
  ::if_freenameindex(list);
  return names;
}

Fd listen_in(const Host& host) {
  EnterNetNamespace inside(host.netns);
  return listen_tcp(host.address, 0, /*nonblocking=*/false);
}

std::uint16_t port_of(const Fd& listener) { return ntohs(local_address(listener.get()).sin_port); }

// SO_SNDTIMEO also bounds a blocking connect(): were the first SYN dropped, the test fails
// after 5 s instead of sitting through 127 s of SYN retransmissions.
Fd connect_from(const Host& client, const Host& server, std::uint16_t port) {
  EnterNetNamespace inside(client.netns);
  Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket) throw_errno("socket", errno);
  set_io_timeouts(socket.get(), 5s);
  sockaddr_in target = ipv4_address(server.address, port);
  if (::connect(socket.get(), reinterpret_cast<sockaddr*>(&target), sizeof target) != 0) {
    throw_errno("connect from " + client.name + " to " + address_text(target), errno);
  }
  return socket;
}

Fd accept_one(const Fd& listener) {
  Fd accepted(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!accepted) throw_errno("accept", errno);
  return accepted;
}

// The address the server sees for a connection from `client_index`.
std::string peer_seen_by_server(const Topology& topology, int client_index) {
  Fd listener = listen_in(topology.server());
  Fd client = connect_from(topology.client(client_index), topology.server(), port_of(listener));
  Fd accepted = accept_one(listener);
  std::string peer = address_text(peer_address(accepted.get()));
  return peer.substr(0, peer.find(':'));
}

// A dying namespace is torn down by a kernel worker after its last reference goes, so its veth
// ends vanish from the other side a moment later: wait for the link notifications.
bool interfaces_vanish(const NetNamespace& netns, const std::vector<std::string>& names,
                       const Fd& watch) {
  auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    bool any_left = false;
    for (const std::string& name : interface_names(netns)) {
      for (const std::string& gone : names) any_left = any_left || name == gone;
    }
    if (!any_left) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd event{watch.get(), POLLIN, 0};
    if (::poll(&event, 1, static_cast<int>(left.count())) > 0) discard_link_changes(watch.get());
  }
}

Fd watch_links_of(const NetNamespace& netns) {
  EnterNetNamespace inside(netns);
  return watch_link_changes();
}

NetNamespace reference_to(const NetNamespace& netns) {
  EnterNetNamespace inside(netns);
  return NetNamespace::current();
}

int open_descriptor_count() {
  int count = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    ++count;
  }
  return count;
}

TEST(SandboxSupportTest, IsAvailableOrSaysWhyAndHowToEnableIt) {
  if (g_sandbox.available) {
    EXPECT_TRUE(g_sandbox.reason.empty());
    return;
  }
  EXPECT_FALSE(g_sandbox.reason.empty());
  EXPECT_NE(g_sandbox.remedy.find("--no-netns"), std::string::npos) << g_sandbox.remedy;
}

TEST(SandboxSupportTest, RemedyForARefusedUserNamespaceNamesTheSwitchesAndTheFallback) {
  SandboxFailure refused{"unshare(CLONE_NEWUSER)", EPERM};
  EXPECT_NE(describe_failure(refused).find("EPERM"), std::string::npos);
  std::string remedy = suggest_remedy(refused, /*root=*/false);
  EXPECT_NE(remedy.find("kernel.apparmor_restrict_unprivileged_userns"), std::string::npos);
  EXPECT_NE(remedy.find("user.max_user_namespaces = "), std::string::npos) << remedy;
  EXPECT_NE(remedy.find("--no-netns"), std::string::npos) << remedy;
}

TEST_F(Sandbox, NewNamespaceHoldsOnlyLoopback) {
  NetNamespace fresh = NetNamespace::create();
  EXPECT_EQ(interface_names(fresh), std::vector<std::string>{"lo"});
}

TEST_F(Sandbox, EnteringMovesOnlyThisThreadAndLeavingBringsItBack) {
  ino_t home = thread_netns_inode();
  NetNamespace fresh = NetNamespace::create();
  EXPECT_EQ(thread_netns_inode(), home) << "create() must leave the thread where it was";
  // Started before entering: a thread created while inside would begin in `fresh` too, since a
  // new thread copies its creator's namespaces.
  std::promise<void> entered;
  std::future<ino_t> other_thread = std::async(std::launch::async, [&] {
    entered.get_future().wait();
    return thread_netns_inode();
  });
  {
    EnterNetNamespace inside(fresh);
    EXPECT_EQ(thread_netns_inode(), inode_of("/proc/self/fd/" + std::to_string(fresh.fd())));
    entered.set_value();
    EXPECT_EQ(other_thread.get(), home);
  }
  EXPECT_EQ(thread_netns_inode(), home);
}

TEST_F(Sandbox, ClientZeroReachesTheServerFromItsOwnAddress) {
  Topology topology = Topology::create(2);
  EXPECT_EQ(peer_seen_by_server(topology, 0), "198.18.0.10");
}

TEST_F(Sandbox, ClientOneReachesTheServerFromItsOwnAddress) {
  Topology topology = Topology::create(2);
  EXPECT_EQ(peer_seen_by_server(topology, 1), "198.18.0.11");
}

// A SYN dropped by a bridge port still learning, or by a device whose queue is not attached
// yet, shows as a retransmission on the client's socket (and a 1 s delay).
TEST_F(Sandbox, FirstSynRightAfterCreationIsNotRetransmitted) {
  Topology topology = Topology::create(1);
  Fd listener = listen_in(topology.server());
  Fd client = connect_from(topology.client(0), topology.server(), port_of(listener));
  tcp_info info{};
  socklen_t size = sizeof info;
  ASSERT_EQ(::getsockopt(client.get(), IPPROTO_TCP, TCP_INFO, &info, &size), 0);
  EXPECT_EQ(info.tcpi_total_retrans, 0u);
}

TEST_F(Sandbox, TcpSettingsReadBackAsPinnedInEveryHost) {
  Topology topology = Topology::create(2);
  for (const Host* host : {&topology.server(), &topology.client(0), &topology.client(1)}) {
    EnterNetNamespace inside(host->netns);
    std::map<std::string, std::string> in_force = read_tcp_sysctls();
    for (const auto& [key, value] : pinned_tcp_sysctls()) {
      EXPECT_EQ(in_force[key], value) << host->name << " " << key;
    }
    EXPECT_FALSE(in_force["net/ipv4/tcp_congestion_control"].empty()) << host->name;
  }
}

// Reads every frame the packet socket sees until `stop` turns readable, then what is left.
// It reads while the transfer runs: an ordinary user cannot raise the socket's receive buffer
// above net.core.rmem_max (SO_RCVBUFFORCE needs CAP_NET_ADMIN on the host), and a frame that
// finds the buffer full is dropped (counted in PACKET_STATISTICS).
struct FrameSizes {
  std::size_t frames = 0;
  std::size_t largest = 0;
  unsigned dropped = 0;
};
FrameSizes capture_until(const Fd& capture, const Fd& stop) {
  FrameSizes seen;
  std::vector<char> frame(std::size_t{128} * 1024);
  for (bool stopping = false;;) {
    pollfd ready[2] = {{capture.get(), POLLIN, 0}, {stop.get(), POLLIN, 0}};
    if (!stopping && ::poll(ready, 2, -1) < 0 && errno != EINTR) throw_errno("poll", errno);
    stopping = stopping || ready[1].revents != 0;
    for (;;) {
      // MSG_TRUNC: the frame's real length, even if it were larger than the buffer.
      ssize_t length = ::recv(capture.get(), frame.data(), frame.size(), MSG_TRUNC);
      if (length < 0 && errno == EINTR) continue;
      if (length < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;  // all read for now
      if (length < 0) throw_errno("recv from the packet socket", errno);
      ++seen.frames;
      seen.largest = std::max(seen.largest, static_cast<std::size_t>(length));
    }
    if (stopping) break;
  }
  tpacket_stats statistics{};
  socklen_t size = sizeof statistics;
  if (::getsockopt(capture.get(), SOL_PACKET, PACKET_STATISTICS, &statistics, &size) != 0) {
    throw_errno("getsockopt(PACKET_STATISTICS)", errno);
  }
  seen.dropped = statistics.tp_drops;
  return seen;
}

Fd capture_on_bridge(const Host& server) {
  EnterNetNamespace inside(server.netns);
  Fd capture(::socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL)));
  if (!capture) throw_errno("socket(AF_PACKET)", errno);
  sockaddr_ll on_bridge{};
  on_bridge.sll_family = AF_PACKET;
  on_bridge.sll_protocol = htons(ETH_P_ALL);
  on_bridge.sll_ifindex = static_cast<int>(::if_nametoindex(Topology::kCaptureInterface));
  if (::bind(capture.get(), reinterpret_cast<sockaddr*>(&on_bridge), sizeof on_bridge) != 0) {
    throw_errno("bind packet socket to br0", errno);
  }
  int room = 4 << 20;  // the kernel caps this at net.core.rmem_max, which is enough here
  if (::setsockopt(capture.get(), SOL_SOCKET, SO_RCVBUF, &room, sizeof room) != 0) {
    throw_errno("setsockopt(SO_RCVBUF)", errno);
  }
  return capture;
}

// Tells capture_until() to finish; an eventfd counter only adds up, so a second call is
// harmless. False if the write failed (an eventfd refuses only a counter overflow).
bool stop_capture(const Fd& stop) {
  std::uint64_t one = 1;
  return ::write(stop.get(), &one, sizeof one) == static_cast<ssize_t>(sizeof one);
}

// With TSO/GSO/GRO on, a capture on br0 shows super-segments of up to 64 KiB.
TEST_F(Sandbox, FramesCapturedOnTheBridgeFitTheMtu) {
  Topology topology = Topology::create(1);
  Fd capture = capture_on_bridge(topology.server());
  Fd stop(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  ASSERT_TRUE(stop) << errno_text(errno);
  std::future<FrameSizes> seen =
      std::async(std::launch::async, [&] { return capture_until(capture, stop); });
  // Destroyed before `seen`, whose destructor waits for the capture thread: however this test
  // ends (a failed ASSERT, an exception), that thread is told to stop first.
  struct StopOnExit {
    const Fd& stop;
    ~StopOnExit() { static_cast<void>(stop_capture(stop)); }  // checked on the normal path
  } stop_on_exit{stop};

  Fd listener = listen_in(topology.server());
  Fd client = connect_from(topology.client(0), topology.server(), port_of(listener));
  Fd accepted = accept_one(listener);
  // 64 KiB: with offloads on, TCP would send it as a few super-segments of up to 64 KiB.
  std::string data(std::size_t{64} * 1024, 'x');
  std::thread sender([&] {
    for (std::size_t sent = 0; sent < data.size();) {
      IoResult result = send_some(client.get(), data.data() + sent, data.size() - sent);
      if (result.status != IoStatus::transferred) return;
      sent += result.bytes;
    }
  });
  std::vector<char> buffer(std::size_t{64} * 1024);
  std::size_t received = 0;
  while (received < data.size()) {
    IoResult result = receive_some(accepted.get(), buffer.data(), buffer.size());
    if (result.status != IoStatus::transferred) break;
    received += result.bytes;
  }
  sender.join();
  ASSERT_TRUE(stop_capture(stop)) << errno_text(errno);
  FrameSizes sizes = seen.get();

  EXPECT_EQ(received, data.size());
  EXPECT_EQ(sizes.dropped, 0u) << "the capture missed frames; the largest may be among them";
  EXPECT_GT(sizes.frames, data.size() / 1500) << "the capture missed the transfer";
  EXPECT_LE(sizes.largest, 1514u) << "a frame larger than Ethernet header + 1500-byte MTU";
}

TEST_F(Sandbox, ClientHostsVanishWithTheTopology) {
  std::optional<NetNamespace> server;
  Fd watch;
  {
    Topology topology = Topology::create(2);
    server = reference_to(topology.server().netns);  // keeps only the server host alive
    watch = watch_links_of(*server);
  }
  EXPECT_TRUE(interfaces_vanish(*server, {"veth-c0", "veth-c1"}, watch))
      << "a client host survived its Topology: its veth peer is still plugged into br0";
}

TEST_F(Sandbox, ServerHostVanishesWithTheTopology) {
  std::optional<NetNamespace> client;
  Fd watch;
  {
    Topology topology = Topology::create(1);
    client = reference_to(topology.client(0).netns);  // keeps only client0 alive
    watch = watch_links_of(*client);
  }
  EXPECT_TRUE(interfaces_vanish(*client, {"eth0"}, watch))
      << "the server host survived its Topology: veth-c0 still holds client0's eth0";
}

TEST_F(Sandbox, TwentyTopologiesInARowLeakNoDescriptor) {
  Topology::create(1);  // first use: let libraries make their one-time allocations
  int before = open_descriptor_count();
  for (int i = 0; i < 20; ++i) Topology::create(2);
  EXPECT_EQ(open_descriptor_count(), before);
}

TEST_F(Sandbox, TwoThreadsBuildTopologiesInParallel) {
  std::vector<std::string> failures(2);
  auto build_and_connect = [&](int thread) {
    try {
      ino_t home = thread_netns_inode();
      for (int round = 0; round < 5; ++round) {
        Topology topology = Topology::create(2);
        std::string peer = peer_seen_by_server(topology, 1);
        if (peer != "198.18.0.11") failures[thread] += "peer " + peer + "; ";
        if (thread_netns_inode() != home) failures[thread] += "thread left its namespace; ";
      }
    } catch (const std::exception& error) {
      failures[thread] += error.what();
    }
  };
  std::thread first(build_and_connect, 0), second(build_and_connect, 1);
  first.join();
  second.join();
  EXPECT_EQ(failures[0], "");
  EXPECT_EQ(failures[1], "");
}

}  // namespace

int main(int argc, char** argv) {
  // First, while the process has one thread: unshare(CLONE_NEWUSER) refuses a threaded process.
  g_sandbox = enter_sandbox();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
