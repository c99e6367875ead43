// ClientScenarioContext: what a scenario of a client lab (nbconnect) works with. The program
// under test is the client: the scenario sets up targets inside the sandbox (responders,
// closed ports, a full accept queue on the server host; silenced hosts; an address with no
// route; names with several addresses), runs the client once against them, and judges the
// lines it prints, how long it took, what it held meanwhile and what the wire showed.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/finding.hpp"
#include "harness/engine/scenario.hpp"
#include "harness/engine/target_servers.hpp"
#include "harness/faults/nft_rules.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/sandbox/topology.hpp"
#include "harness/trace/tcp_segment.hpp"

namespace socklab::harness {

class PacketCapture;

// One line of the client's output: "TARGET RESULT ERRNO_NAME ELAPSED_MS".
struct ClientLine {
  std::string target;
  std::string result;      // connected, refused, timeout, unreachable, error
  std::string error_name;  // ECONNREFUSED, ..., "-" when connected
  long elapsed_ms = 0;
  std::string text() const;
};

struct ClientRun {
  std::vector<std::string> targets;  // as given on the command line
  std::chrono::milliseconds time_limit{0};
  std::optional<ExitStatus> status;  // nullopt: still running at the time limit, then killed
  double seconds = 0;                // from start to exit (or to the time limit)
  std::vector<ClientLine> lines;
  std::vector<std::string> malformed_lines;
  std::string stderr_tail;
  int open_fds_sampled = -1;  // at ClientLimits::sample_at; -1: not sampled (or exited)
  double cpu_seconds = 0;     // used by the client up to the sample (or its last reading)
  double sampled_at_seconds = 0;

  const ClientLine* line_for(const std::string& target) const;
};

struct ClientLimits {
  std::chrono::milliseconds time_limit{6000};
  // When to count the client's open descriptors and its CPU time while it still waits.
  std::optional<std::chrono::milliseconds> sample_at{};
};

// Whichever outcomes a target may legitimately have, with the elapsed time allowed.
struct ExpectedLine {
  std::string result;
  std::string error_name;
  long min_ms = 0;
  long max_ms = 0;
};

class ClientScenarioContext {
 public:
  struct Launch {
    std::filesystem::path program;
    std::vector<std::string> extra_arguments;  // after `--` on socklab's command line
    std::filesystem::path stdout_log;
    std::filesystem::path stderr_log;
  };
  ClientScenarioContext(const ScenarioSpec& spec, const Topology* topology,
                        const PacketCapture* capture, Launch launch);
  ~ClientScenarioContext();

  const ScenarioSpec& spec() const { return spec_; }
  bool capturing() const { return capture_ != nullptr; }

  // --- targets ---
  // Responders, closed ports and full queues on the server host (198.18.0.1; 127.0.0.1 on
  // loopback): "ADDRESS:PORT" for the command line.
  TargetServers& server_host() { return *server_host_; }
  std::string on_server_host(std::uint16_t port) const;
  // Client host `host` (1 and up; 0 runs the client) as a target host, or silenced: it then
  // drops everything it would receive or send, as a host that crashed or a firewall that drops.
  std::string client_host_address(int host) const;
  void silence_client_host(int host);
  // An address with no route from the client's host: connect fails at once with ENETUNREACH,
  // and nothing goes on the wire.
  static std::string unroutable_address(int index) {
    return "198.19.0." + std::to_string(1 + index);
  }
  // `name` resolves, in the client's own /etc/hosts, to `addresses` in this order.
  void add_host_name(const std::string& name, const std::vector<std::string>& addresses);

  // --- the client ---
  // Runs the client with `arguments` (the --timeout and the targets) until it exits or the
  // time limit passes (then it is killed); the result is what it printed and did.
  ClientRun run_client(const std::vector<std::string>& arguments,
                       const std::vector<std::string>& targets, ClientLimits limits);
  std::string exit_description() const { return exit_description_; }

  // --- checks, each failing the scenario with its own verdict ---
  // Exited 0 within its time limit, with one well-formed line per target.
  // `unfinished_meaning`: what a client still running at the limit got wrong, in TCP terms.
  void require_finished(const ClientRun& run, const std::string& unfinished_meaning);
  // The line for `target` has `expected`'s result and errno name within its time window.
  void require_line(const ClientRun& run, const std::string& target, const ExpectedLine& expected,
                    const std::string& meaning);

  // --- the wire ---
  std::vector<TcpSegment> captured_segments() const;
  void observe(std::string observation) { observations_.push_back(std::move(observation)); }
  const std::vector<std::string>& observations() const { return observations_; }

 private:
  const ScenarioSpec& spec_;
  const Topology* topology_;
  const PacketCapture* capture_;
  Launch launch_;
  std::unique_ptr<TargetServers> server_host_;
  std::vector<NftTable> silenced_;
  std::vector<std::string> host_lines_;
  std::vector<std::string> observations_;
  std::string exit_description_;
};

// Parses one stdout line; nullopt when it does not follow the format.
std::optional<ClientLine> parse_client_line(const std::string& text);

}  // namespace socklab::harness
