// host-crash-*: a client's host crashes. It sends nothing more, not even FIN or RST, and
// answers nothing: nftables drops every packet in its namespace. Without a timer of its own the
// server would keep that connection forever; TCP keepalive (--keepalive) or an idle timeout
// (--idle-timeout) is how it finds out. Meanwhile a client on another host is served.
#include <cstdio>

#include "harness/engine/scenario_context.hpp"
#include "harness/faults/packet_faults.hpp"
#include "harness/trace/segment_queries.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {
namespace {

// Runs the crash and returns when the server has closed the connection; `how` names the
// mechanism the server was given ("TCP keepalive (--keepalive 1,1,2: ...)").
TcpEndpoint crash_client_host(ScenarioContext& context, const std::string& how) {
  std::vector<EchoFlow> flows;
  flows.emplace_back("the client on the crashing host", context.random_bytes(4096), 0);
  context.drive_before_fault(flows, "the client's 4 KiB echoed before its host crashes");
  const int connected = context.server_open_descriptors();
  const TcpEndpoint client = flows[0].local_endpoint();

  NftTable silence = silence_host(context.client_host(0));
  const auto silent_since = std::chrono::steady_clock::now();
  const CpuWindow waiting = context.start_cpu_window();
  context.require_healthy_client_served(1, "on another host while the first client's host was down");
  context.require_descriptors_at_most(
      connected - 1, 12s,
      "the server to close the connection to a host that crashed, through " + how,
      "after the host went silent",
      "A crashed host sends nothing, not even RST, so the connection looks idle forever and its "
      "socket is never closed unless the server keeps a timer: TCP keepalive (SO_KEEPALIVE with "
      "TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT), after which reads fail with ETIMEDOUT, or an "
      "idle timeout of its own.");
  context.require_no_busy_loop(waiting, "while a client's host was down");
  std::chrono::duration<double> waited = std::chrono::steady_clock::now() - silent_since;
  char seconds[64];
  std::snprintf(seconds, sizeof seconds, "%.1f s", waited.count());
  context.observe("the server closed the connection to the silent host " + std::string(seconds) +
                  " after it went down");
  return client;
}

}  // namespace

SOCKLAB_SCENARIO(echo_host_crash_keepalive,
                 {.group = "echo",
                  .name = "host-crash-keepalive",
                  .purpose = "a client host goes silent; keepalive probes find it dead (--keepalive)",
                  .client_hosts = 2,
                  .needs_topology = true,
                  .server_arguments = {"--keepalive", "1,1,2"}}) {
  double silent_since = wall_clock_seconds();
  TcpEndpoint client = crash_client_host(
      context, "TCP keepalive (--keepalive 1,1,2: the first probe after 1 s idle, then one a "
               "second, given up after 2 unanswered: about 3 s)");
  auto segments = context.captured_segments();
  int probes = count_keepalive_probes(segments, context.server_tcp_endpoint(), client, silent_since);
  int resets = count_resets(segments, context.server_tcp_endpoint(), client, silent_since);
  if (probes == 0) {
    fail({"keepalive probes from the server to the silent host (--keepalive 1,1,2)",
          "the capture holds none: the connection was closed some other way",
          "--keepalive IDLE,INTVL,CNT asks for SO_KEEPALIVE with TCP_KEEPIDLE, TCP_KEEPINTVL and "
          "TCP_KEEPCNT on every accepted socket. Then the kernel probes an idle peer and, when "
          "CNT probes go unanswered, resets the connection and reports ETIMEDOUT to the server."});
  }
  context.observe("the server's kernel sent " + std::to_string(probes) +
                  " keepalive probes to the silent host" +
                  (resets > 0 ? ", then gave up with RST" : "") +
                  "; the server then saw ETIMEDOUT and closed the socket");
}

SOCKLAB_SCENARIO(echo_host_crash_idle_timeout,
                 {.group = "echo",
                  .name = "host-crash-idle-timeout",
                  .purpose = "a client host goes silent; the idle timeout reclaims its connection",
                  .client_hosts = 2,
                  .needs_topology = true,
                  .server_arguments = {"--idle-timeout", "1500"}}) {
  crash_client_host(context, "its idle timeout (--idle-timeout 1500: 1.5 s without a byte)");
}

}  // namespace socklab::harness
