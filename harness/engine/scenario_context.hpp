// ScenarioContext: what a scenario body works with. It opens client connections from the
// scenario's client hosts, runs EchoFlows, reads the server's process facts, and turns what
// it sees into Findings a student can act on.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "harness/engine/echo_flow.hpp"
#include "harness/engine/finding.hpp"
#include "harness/engine/flow_driver.hpp"
#include "harness/engine/scenario.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/process/thread_run_times.hpp"
#include "harness/report/result.hpp"
#include "harness/sandbox/topology.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

// Where the server's CPU time stood when a waiting period began (start_cpu_window()), and
// each of its threads' time on a CPU and in the run queue (nullopt where the kernel keeps none).
struct CpuWindow {
  double cpu_seconds = 0;
  std::optional<detail::ThreadRunTimes> threads;
  SteadyClock::time_point start;
};

struct ServerEndpoint {
  std::string host;  // as the clients reach it: 198.18.0.1, or 127.0.0.1 on loopback
  std::uint16_t port = 0;
  std::string text() const { return host + ":" + std::to_string(port); }
};

class PacketCapture;

// What restarting the server found (see ScenarioContext::restart_server_on_same_port).
struct ServerRestart {
  std::optional<Finding> unclean_stop;  // the old server did not exit 0 within its grace
  Readiness ready;                      // the new server's listening line, or what went wrong
  SupervisedProcess* server = nullptr;  // the new server, owned by the engine
};
// Given by the engine: stops the server under test and starts the same program on `port`.
using ServerRestarter = std::function<ServerRestart(std::uint16_t port)>;

class ScenarioContext {
 public:
  // `topology` and `capture` are null in loopback mode: clients then connect from the
  // harness's namespace, and nothing is captured.
  ScenarioContext(const ScenarioSpec& spec, const Topology* topology, const PacketCapture* capture,
                  SupervisedProcess& server, ServerEndpoint endpoint, std::uint64_t seed,
                  ServerRestarter restarter = {});

  const ScenarioSpec& spec() const { return spec_; }
  const ServerEndpoint& server_endpoint() const { return endpoint_; }
  std::string random_bytes(std::size_t count);
  std::mt19937_64& random() { return random_; }

  // Connects and runs the flows until each completes or fails, they stall, or time is up.
  // Driving the same flows again continues them where they stopped.
  DriveEnd drive(std::vector<EchoFlow>& flows, DriveLimits limits = {});
  // Drives `flows` to completion before a fault is injected; a server that fails here fails
  // before the fault, and the verdict says so. `expected`: what the flows should do.
  void drive_before_fault(std::vector<EchoFlow>& flows, const std::string& expected);
  // Fails the scenario unless every flow completed. `expected` says what they should have
  // done; `stall_meaning` explains, in TCP terms, a server that stopped moving bytes.
  void require_complete(const std::vector<EchoFlow>& flows, DriveEnd end,
                        const std::string& expected, const std::string& stall_meaning);

  // A connected, blocking socket from client host `host`, for scenarios that script their own
  // conversation (RESP commands, a close at a chosen moment). `receive_buffer`: SO_RCVBUF set
  // before connecting (0: the kernel's default). Fails the scenario if the handshake does not
  // complete within 5 s.
  Fd connect_client(int host = 0, int receive_buffer = 0);

  ProcessFacts server_facts() const { return server_->facts(); }
  // Stops the server's processes (SIGSTOP) and lets them run again (SIGCONT): what arrives in
  // between is queued by the kernel and found all at once, as by a server that was busy.
  void freeze_server() { server_->freeze(); }
  void thaw_server() { server_->thaw(); }
  // Stops the server with SIGTERM and at once starts the same program with the same arguments
  // on the port it listened on, as an operator restarting a server does. Fails the scenario if
  // the old server does not stop cleanly. Returns the new server's readiness: when it is ready,
  // every later check (and the engine's final ones) applies to the new server; when it is not,
  // the scenario says why in its own words, since the engine's crash verdict would not.
  Readiness restart_server_on_same_port();
  bool restart_failed() const { return restart_failed_; }
  // Connections in TIME_WAIT on the server's host whose local port is the server's: those the
  // server closed first (read from /proc/net/tcp inside the server's namespace).
  int server_port_time_wait_count() const;
  // Fails with the crash verdict (signal, last lines of stderr) if the server has died.
  void require_server_alive(const std::string& during);
  // What it means, in this scenario, if the server exits on its own (status, not signal):
  // used by every crash verdict from here on, the engine's final check included.
  void explain_server_exit(std::string meaning) { exit_meaning_ = std::move(meaning); }
  Finding server_crash_finding(const std::string& during) const;
  int connections_opened() const { return connections_opened_; }

  // --- the hosts and the wire, for faults ---
  // The namespace of client host `host`; only in scenarios with needs_topology.
  const NetNamespace& client_host(int host) const;
  TcpEndpoint server_tcp_endpoint() const;
  // Every TCP segment captured so far, oldest first; empty in loopback mode.
  std::vector<TcpSegment> captured_segments() const;
  bool capturing() const { return capture_ != nullptr; }
  // What the scenario saw that a student should know even when it passes ("the server's
  // kernel sent 2 keepalive probes"); shown with the result.
  void observe(std::string observation) { observations_.push_back(std::move(observation)); }
  const std::vector<std::string>& observations() const { return observations_; }

  // --- parts: independent checks a rubric can weigh separately (ScenarioSpec::parts) ---
  // Runs `check`; a failure inside it is recorded for part `name` and the scenario goes on, so
  // a server that gets one thing wrong still earns the parts it gets right. `name` must be one
  // of the spec's parts (anything else is a harness bug).
  void part(const std::string& name, const std::function<void()>& check);
  const std::vector<PartResult>& part_results() const { return parts_; }

  // --- wire checks: read from the live capture; each does nothing in loopback mode ---
  // For every flow: the server closed its side with FIN, after all the bytes it owed (the
  // flow's bytes sent, echoed), and sent no RST. Waits up to 2 s for the capture to show the
  // server's FIN or RST, which reach the capture and the client at about the same moment.
  void require_graceful_close_on_the_wire(const std::vector<EchoFlow>& flows,
                                          const std::string& scenario);

  // --- process checks: each fails the scenario with its own verdict ---
  int server_open_descriptors() const { return server_->facts().open_fds; }
  // `meaning`, when given, replaces the general one (a socket left open).
  void require_descriptors_at_most(int limit, std::chrono::milliseconds within,
                                   const std::string& expected, const std::string& since,
                                   const std::string& meaning = "");
  CpuWindow start_cpu_window() const;
  // Fails if the server used over half a core since `window` began, `during` what.
  void require_no_busy_loop(const CpuWindow& window, const std::string& during);
  // A new client on `host` sends 4 KiB and must have it all back within 5 s, a generous bound
  // (a healthy server answers in a millisecond), while `during` goes on.
  void require_healthy_client_served(int host, const std::string& during);

 private:
  Fd open_client_socket(int host, int receive_buffer);
  std::optional<Finding> connections_never_accepted(const std::vector<EchoFlow>& flows) const;

  const ScenarioSpec& spec_;
  const Topology* topology_;
  const PacketCapture* capture_;
  SupervisedProcess* server_;  // replaced by restart_server_on_same_port()
  ServerEndpoint endpoint_;
  ServerRestarter restarter_;
  bool restart_failed_ = false;
  std::mt19937_64 random_;
  int connections_opened_ = 0;
  int descriptors_at_start_ = 0;  // the server's, before any client of the scenario
  std::vector<std::string> observations_;
  std::vector<PartResult> parts_;
  std::string exit_meaning_;
};

// The Finding for a server that died; shared by the scenarios and the engine's own checks.
Finding crash_finding(const ExitStatus& status, const std::string& during,
                      const std::string& stderr_tail);

}  // namespace socklab::harness
