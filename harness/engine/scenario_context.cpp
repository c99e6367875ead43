#include "harness/engine/scenario_context.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "harness/capture/packet_capture.hpp"
#include "harness/engine/finding.hpp"
#include "harness/engine/process_checks.hpp"
#include "harness/sandbox/net_namespace.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::harness {
namespace {

// What a flow's failure means, by the kind of failure.
std::string meaning_of(const EchoFlow& flow, const std::string& stall_meaning) {
  if (!flow.connected()) {
    if (flow.error_number() == ECONNREFUSED) {
      return "The server's host answered the SYN with RST: nothing was listening on that port.";
    }
    return "The TCP handshake did not complete: the SYN went unanswered, as when the listen "
           "queue is full or the server has stopped listening.";
  }
  if (flow.mismatch_offset()) {
    return "TCP delivers every byte intact and in order, so a difference was made by the server: "
           "it dropped, repeated or reordered bytes in its own buffers (for example by discarding "
           "output when send() returned EAGAIN, or by sending the same buffer twice).";
  }
  if (flow.error_number() == ECONNRESET) {
    return "The server's kernel sent RST: the server closed the socket with unread input, set "
           "SO_LINGER to zero, or its process ended while the connection was open.";
  }
  if (flow.fin_received() && flow.bytes_echoed() < flow.bytes_sent()) {
    return "The server closed its side (FIN) while it still owed bytes. After reading EOF a "
           "server must still send everything it owes, and only then close.";
  }
  return stall_meaning;
}

}  // namespace

ScenarioContext::ScenarioContext(const ScenarioSpec& spec, const Topology* topology,
                                 const PacketCapture* capture, SupervisedProcess& server,
                                 ServerEndpoint endpoint, std::uint64_t seed,
                                 ServerRestarter restarter)
    : spec_(spec),
      topology_(topology),
      capture_(capture),
      server_(&server),
      endpoint_(std::move(endpoint)),
      restarter_(std::move(restarter)),
      random_(seed),
      descriptors_at_start_(server.facts().open_fds) {}

std::string ScenarioContext::random_bytes(std::size_t count) {
  std::string bytes(count, '\0');
  std::uniform_int_distribution<int> byte(0, 255);
  for (char& c : bytes) c = static_cast<char>(byte(random_));
  return bytes;
}

void ScenarioContext::part(const std::string& name, const std::function<void()>& check) {
  const std::vector<std::string>& declared = spec_.parts;
  if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
    throw std::logic_error("scenario " + spec_.name + " checks part '" + name +
                           "', which its spec does not declare");
  }
  PartResult outcome{name, true, {}};
  try {
    check();
  } catch (const ScenarioFailure& failure) {
    outcome.passed = false;
    outcome.finding = failure.finding();
  }
  parts_.push_back(std::move(outcome));
}

Fd ScenarioContext::open_client_socket(int host, int receive_buffer) {
  std::optional<EnterNetNamespace> inside;
  if (topology_) inside.emplace(topology_->client(host).netns);
  // Created inside the client host's namespace, the socket stays there after the thread leaves.
  Fd socket_fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!socket_fd) throw_errno("socket", errno);
  if (int bytes = receive_buffer; bytes > 0) {
    // Before connect(): the window scale is fixed in the SYN, from the buffer size at that time.
    if (::setsockopt(socket_fd.get(), SOL_SOCKET, SO_RCVBUF, &bytes, sizeof bytes) != 0) {
      throw_errno("setsockopt(SO_RCVBUF)", errno);
    }
  }
  sockaddr_in address = ipv4_address(endpoint_.host, endpoint_.port);
  if (::connect(socket_fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 &&
      errno != EINPROGRESS) {
    // EINPROGRESS is the normal answer of a non-blocking connect: the SYN is on its way.
    // Anything else is the harness's own network failing, not the server under test.
    throw_errno("connect to " + endpoint_.text(), errno);
  }
  ++connections_opened_;
  return socket_fd;
}

DriveEnd ScenarioContext::drive(std::vector<EchoFlow>& flows, DriveLimits limits) {
  std::vector<EchoFlow*> pointers;
  for (EchoFlow& flow : flows) pointers.push_back(&flow);
  return drive_flows(
      pointers,
      [this](const EchoFlow& flow) {
        return open_client_socket(flow.client_host(), flow.receive_buffer_bytes());
      },
      limits);
}

void ScenarioContext::require_complete(const std::vector<EchoFlow>& flows, DriveEnd end,
                                       const std::string& expected,
                                       const std::string& stall_meaning) {
  require_server_alive("this scenario");
  const EchoFlow* first_problem = nullptr;
  int problems = 0;
  for (const EchoFlow& flow : flows) {
    if (flow.complete()) continue;
    ++problems;
    if (!first_problem || (flow.failed() && !first_problem->failed())) first_problem = &flow;
  }
  if (problems == 0) return;
  if (auto unaccepted = connections_never_accepted(flows)) fail(*unaccepted);
  std::string happened;
  if (flows.size() > 1) {
    happened = std::to_string(problems) + " of " + std::to_string(flows.size()) +
               " connections did not; the first: ";
  }
  happened += first_problem->describe();
  if (!first_problem->failed()) {
    happened += end == DriveEnd::deadline ? " (time limit reached)"
                                          : " (no byte moved for several seconds)";
  }
  fail({expected, happened, meaning_of(*first_problem, stall_meaning)});
}

// The first thing a new server gets wrong: it listens but never accepts. The kernel completes
// every handshake by itself and buffers what the clients send, so they look connected; only
// the server's descriptors, still those it had before them, show that nothing was accepted.
std::optional<Finding> ScenarioContext::connections_never_accepted(
    const std::vector<EchoFlow>& flows) const {
  for (const EchoFlow& flow : flows) {
    if (!flow.connected() || flow.bytes_echoed() > 0 || flow.error_number() != 0)
      return std::nullopt;
  }
  int descriptors = server_->facts().open_fds;
  if (descriptors < 0 || descriptors > descriptors_at_start_) return std::nullopt;
  bool one = flows.size() == 1;
  std::string clients = one ? "the client" : std::to_string(flows.size()) + " clients";
  std::string happened = "the server accepted no connection: " + clients +
                         " completed the TCP handshake and sent " + (one ? "its" : "their") +
                         " bytes, but the server still held the " + std::to_string(descriptors) +
                         " descriptors it had before, and echoed nothing";
  if (std::string said = server_->stderr_tail(3); !said.empty()) {
    happened += "; its stderr says:\n" + said;
  }
  return Finding{
      std::string("the server to accept the connection") + (one ? "" : "s") +
          " and echo what it reads",
      happened,
      "The kernel completes the handshake (SYN, SYN-ACK, ACK) by itself and queues the "
      "connection on the listening socket; it stays there, its bytes unread, until the program "
      "calls accept() and then reads the new socket."};
}

void ScenarioContext::require_server_alive(const std::string& during) {
  if (!server_->alive()) fail(server_crash_finding(during));
}

Finding ScenarioContext::server_crash_finding(const std::string& during) const {
  Finding crash = crash_finding(*server_->exit_status(), during, server_->stderr_tail());
  if (server_->exit_status()->exited && !exit_meaning_.empty()) crash.meaning = exit_meaning_;
  return crash;
}

const NetNamespace& ScenarioContext::client_host(int host) const {
  if (!topology_) {
    throw std::logic_error("scenario " + spec_.name +
                           " uses client hosts but does not set "
                           "needs_topology, so it ran in loopback mode");
  }
  return topology_->client(host).netns;
}

TcpEndpoint ScenarioContext::server_tcp_endpoint() const {
  return {ipv4_address(endpoint_.host, endpoint_.port).sin_addr.s_addr, endpoint_.port};
}

std::vector<TcpSegment> ScenarioContext::captured_segments() const {
  return capture_ ? capture_->segments() : std::vector<TcpSegment>{};
}

void ScenarioContext::require_descriptors_at_most(int limit, std::chrono::milliseconds within,
                                                  const std::string& expected,
                                                  const std::string& since,
                                                  const std::string& meaning) {
  auto leak = descriptors_released(*server_, limit, within, expected, since);
  require_server_alive(spec_.name);
  if (!leak) return;
  if (!meaning.empty()) leak->meaning = meaning;
  fail(*leak);
}

CpuWindow ScenarioContext::start_cpu_window() const {
  return {server_->facts().cpu_seconds, detail::read_thread_run_times(server_->pid()),
          SteadyClock::now()};
}

void ScenarioContext::require_no_busy_loop(const CpuWindow& window, const std::string& during) {
  CpuUse use;
  use.cpu_seconds = server_->facts().cpu_seconds - window.cpu_seconds;
  use.wall_seconds = std::chrono::duration<double>(SteadyClock::now() - window.start).count();
  auto threads_now = detail::read_thread_run_times(server_->pid());
  if (window.threads && threads_now) {
    use.busiest_thread = detail::busiest_thread(*window.threads, *threads_now);
  }
  if (auto spinning = busy_loop(use, during)) fail(*spinning);
}

void ScenarioContext::drive_before_fault(std::vector<EchoFlow>& flows,
                                         const std::string& expected) {
  DriveEnd end =
      drive(flows, {.deadline = std::chrono::seconds(10), .stall = std::chrono::seconds(3)});
  require_complete(flows, end, expected,
                   "The server stopped echoing before any fault was injected: see the scenarios "
                   "without faults (integrity, many-clients) for this bug.");
}

void ScenarioContext::require_healthy_client_served(int host, const std::string& during) {
  std::vector<EchoFlow> healthy;
  healthy.emplace_back("a healthy client", random_bytes(4096), host);
  DriveEnd end =
      drive(healthy, {.deadline = std::chrono::seconds(5), .stall = std::chrono::seconds(5)});
  require_complete(healthy, end, "a healthy client's 4 KiB echoed within 5 s " + during,
                   "One troubled peer held up everyone: the server waited on that connection "
                   "(a blocking call, a loop that retries it) instead of serving the connections "
                   "that were ready. A connection's trouble must stay that connection's.");
}

Fd ScenarioContext::connect_client(int host, int receive_buffer) {
  Fd socket_fd = open_client_socket(host, receive_buffer);
  pollfd connecting{socket_fd.get(), POLLOUT, 0};
  int ready = 0;
  while ((ready = ::poll(&connecting, 1, 5000)) < 0) {
    if (errno != EINTR) throw_errno("poll", errno);
  }
  int error = ready == 0 ? ETIMEDOUT : 0;
  socklen_t length = sizeof error;
  if (ready > 0 && ::getsockopt(socket_fd.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
    error = errno;
  }
  if (error != 0) {
    fail({"a client to connect to the server at " + endpoint_.text() + " within 5 s",
          "connect() failed: " + errno_text(error),
          error == ECONNREFUSED
              ? "The server's host answered the SYN with RST: nothing was listening on that port."
              : "The TCP handshake did not complete: the SYN went unanswered, as when the listen "
                "queue is full or the server has stopped listening."});
  }
  int flags = ::fcntl(socket_fd.get(), F_GETFL);
  if (flags < 0 || ::fcntl(socket_fd.get(), F_SETFL, flags & ~O_NONBLOCK) != 0) {
    throw_errno("fcntl(O_NONBLOCK off)", errno);
  }
  return socket_fd;
}

Readiness ScenarioContext::restart_server_on_same_port() {
  if (!restarter_) throw std::logic_error("this engine cannot restart the server of " + spec_.name);
  ServerRestart restart = restarter_(endpoint_.port);
  server_ = restart.server;
  if (restart.unclean_stop) fail(*restart.unclean_stop);
  if (!restart.ready.ready) restart_failed_ = true;
  return restart.ready;
}

int ScenarioContext::server_port_time_wait_count() const {
  std::optional<EnterNetNamespace> inside;
  if (topology_) inside.emplace(topology_->server().netns);
  // thread-self: /proc/self/net would show the namespace of the process's main thread.
  std::ifstream table("/proc/thread-self/net/tcp");
  if (!table) throw std::runtime_error("cannot read /proc/thread-self/net/tcp");
  constexpr unsigned kTimeWait = 6;  // TCP_TIME_WAIT in include/net/tcp_states.h
  std::string line;
  std::getline(table, line);  // the header
  int count = 0;
  while (std::getline(table, line)) {
    // "  0: 0100007F:1F90 0100007F:A2B4 06 ...": slot, local address:port, remote, state (hex).
    std::istringstream fields(line);
    std::string slot, local, remote, state;
    fields >> slot >> local >> remote >> state;
    std::size_t colon = local.find(':');
    if (colon == std::string::npos || state.empty()) continue;
    unsigned port = std::stoul(local.substr(colon + 1), nullptr, 16);
    if (port == endpoint_.port && std::stoul(state, nullptr, 16) == kTimeWait) ++count;
  }
  return count;
}

Finding crash_finding(const ExitStatus& status, const std::string& during,
                      const std::string& stderr_tail) {
  Finding finding;
  finding.expected = "the server to keep running until SIGTERM";
  finding.happened = "the server " + status.describe() + " during " + during;
  if (!stderr_tail.empty()) finding.happened += "; last lines of its stderr:\n" + stderr_tail;
  if (!status.exited && status.signal == SIGPIPE) {
    finding.meaning =
        "Writing to a connection whose peer has closed or reset raises SIGPIPE, and its default "
        "action kills the process: one client's departure took down every connection. Send with "
        "MSG_NOSIGNAL (or ignore SIGPIPE) and treat EPIPE as the end of that connection only.";
  } else if (!status.exited) {
    finding.meaning = "A crash ends every connection the server holds: their peers see RST.";
  } else {
    finding.meaning = "A server must outlive its clients; it may exit only when told to (SIGTERM).";
  }
  return finding;
}

}  // namespace socklab::harness
