#include "harness/engine/run_client_scenario.hpp"

#include <optional>

#include "harness/capture/packet_capture.hpp"
#include "harness/engine/client_scenario_context.hpp"
#include "harness/sandbox/topology.hpp"

namespace socklab::harness {

void stop_capture(PacketCapture& capture, ScenarioResult& result) {
  CaptureSummary summary = capture.stop();
  result.packets = summary.packets_written;
  result.packets_dropped = summary.packets_dropped;
  if (summary.packets_dropped > 0) {
    result.note = "the capture is incomplete: the kernel dropped " +
                  std::to_string(summary.packets_dropped) + " packets";
  }
}

void run_client_inside(const ScenarioJob& job, const RunSettings& settings,
                       ScenarioResult& result) {
  const ScenarioSpec& spec = *job.spec;
  std::optional<Topology> topology;
  // Client host 0 runs the client; the others may serve as target hosts.
  if (settings.use_netns) topology.emplace(Topology::create(spec.client_hosts));
  std::optional<PacketCapture> capture;
  if (topology) {
    result.pcap = result.stdout_log.parent_path() / (spec.name + ".pcap");
    // The client's own link: every packet between it and any target host, whether to the
    // server host or forwarded by the bridge to another client host.
    capture.emplace(
        PacketCapture::start(topology->server().netns, Topology::client_port(0), result.pcap));
  } else {
    result.note = "no packet capture in loopback mode";
  }
  {
    ClientScenarioContext context(
        spec, topology ? &*topology : nullptr, capture ? &*capture : nullptr,
        {job.program, settings.extra_server_arguments, result.stdout_log, result.stderr_log});
    try {
      spec.client_body(context);
    } catch (const ScenarioFailure& failure) {
      result.verdict = Verdict::failed;
      result.finding = failure.finding();
      result.whole_failure = failure.finding();  // client scenarios have no parts
    }
    result.observations = context.observations();
    result.server_exit = context.exit_description();
  }  // the targets close here: their FINs and RSTs are part of the capture
  if (capture) {
    capture->wait_until_quiet(std::chrono::milliseconds(100), std::chrono::milliseconds(1000));
    stop_capture(*capture, result);
  }
}

}  // namespace socklab::harness
