#include "harness/scenarios/nbconnect/nbconnect_contract.hpp"

#include <cstdio>
#include <thread>

#include "harness/trace/wire_checks.hpp"
#include "net/socket.hpp"

namespace socklab::harness::nbconnect {

std::vector<TcpConnection> connections_to(const ClientScenarioContext& context,
                                          const std::string& target) {
  std::size_t colon = target.rfind(':');
  auto port = static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1)));
  sockaddr_in address = ipv4_address(target.substr(0, colon), port);
  TcpEndpoint server{address.sin_addr.s_addr, port};
  std::vector<TcpConnection> found;
  for (TcpConnection& connection : split_connections(context.captured_segments())) {
    if (connection.server == server) found.push_back(std::move(connection));
  }
  return found;
}

std::string syn_times_text(const std::vector<TcpConnection>& connections) {
  std::string text;
  for (const TcpConnection& connection : connections) {
    for (double time : syn_times(connection)) {
      char number[32];
      std::snprintf(number, sizeof number, "%.3f s", time);
      text += (text.empty() ? "" : ", ") + std::string(number);
    }
  }
  return text.empty() ? "none" : text;
}

void require_no_syn_after_deadline(ClientScenarioContext& context, const ClientRun& run,
                                   const std::string& target) {
  if (!context.capturing()) return;
  // The client started about run.seconds ago; its first SYN left a few ms after that.
  auto wait = std::chrono::milliseconds(3400) -
              std::chrono::milliseconds(static_cast<long>(run.seconds * 1000));
  if (wait.count() > 0) std::this_thread::sleep_for(wait);
  // 400 ms of grace for a late timer; the kernel's next SYN would come at 2 s or 3 s.
  const double latest = static_cast<double>(kDeadlineMs + 400) / 1000;
  for (const TcpConnection& connection : connections_to(context, target)) {
    for (double time : syn_times(connection)) {
      if (time <= latest) continue;
      char when[32];
      std::snprintf(when, sizeof when, "%.3f s", time);
      fail({"no SYN to " + target + " after the " + std::to_string(kDeadlineMs) +
                " ms deadline: the socket closed when its timer fired",
            "the capture shows the client's SYNs at " + syn_times_text({connection}) +
                ": the one at " + when + " left after the deadline",
            kDeadlineMeaning});
    }
  }
}

}  // namespace socklab::harness::nbconnect
