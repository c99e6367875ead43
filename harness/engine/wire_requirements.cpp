// ScenarioContext's wire checks: verdicts from the live capture, through the connection model
// of harness/trace.
#include <chrono>
#include <thread>

#include "harness/engine/scenario_context.hpp"
#include "harness/trace/wire_checks.hpp"

namespace socklab::harness {
namespace {

using Clock = std::chrono::steady_clock;

// The connections of `clients` (same order; nullopt where none was captured), once the capture
// shows how the server closed each, or as they stand after `patience`. One snapshot and one
// split per look: a scenario may have hundreds of flows.
std::vector<std::optional<TcpConnection>> connections_after_server_close(
    const ScenarioContext& context, const std::vector<TcpEndpoint>& clients,
    std::chrono::milliseconds patience) {
  auto deadline = Clock::now() + patience;
  for (;;) {
    std::vector<TcpConnection> all = split_connections(context.captured_segments());
    std::vector<std::optional<TcpConnection>> found(clients.size());
    bool every_one_closed = true;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (const TcpConnection* latest = latest_connection_of(all, clients[i])) found[i] = *latest;
      Closing server = found[i] ? closing_of(*found[i], Side::server) : Closing{};
      every_one_closed = every_one_closed && (server.fin || server.rst);
    }
    if (every_one_closed || Clock::now() >= deadline) return found;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

}  // namespace

void ScenarioContext::require_graceful_close_on_the_wire(const std::vector<EchoFlow>& flows,
                                                         const std::string& scenario) {
  if (!capturing()) return;
  std::vector<const EchoFlow*> checked;
  std::vector<TcpEndpoint> clients;
  for (const EchoFlow& flow : flows) {
    if (!flow.has_own_connection()) continue;
    checked.push_back(&flow);
    clients.push_back(flow.local_endpoint());
  }
  auto connections = connections_after_server_close(*this, clients, std::chrono::seconds(2));
  for (std::size_t i = 0; i < checked.size(); ++i) {
    const EchoFlow& flow = *checked[i];
    const std::optional<TcpConnection>& connection = connections[i];
    if (!connection) continue;  // not captured (it never connected): other checks say why
    Closing server = closing_of(*connection, Side::server);
    const std::uint64_t owed = flow.bytes_sent();
    const std::string expected = "on the wire, the server's FIN after all " + std::to_string(owed) +
                                 " bytes it owed " + flow.label() + ", and no RST (" + scenario +
                                 ")";
    if (server.rst) {
      fail({expected,
            "the server sent RST after " + std::to_string(server.data_bytes_before) +
                " bytes of data",
            "A RST instead of a FIN: the server closed the socket with unread bytes in its receive "
            "buffer, or with SO_LINGER {1, 0}. Either way the kernel throws away what it had not "
            "sent yet and the peer sees ECONNRESET, perhaps before reading what did arrive. "
            "Close gracefully: read to EOF, send everything, then close()."});
    }
    if (server.fin && server.data_bytes_before < owed) {
      fail({expected,
            "the server sent its FIN after " + std::to_string(server.data_bytes_before) +
                " bytes (" + std::to_string(owed - server.data_bytes_before) + " bytes never sent)",
            "A FIN says nothing more will come: the server closed while it still owed bytes. "
            "After the peer's FIN (read() returns 0) the connection is only half-closed: send "
            "what is owed, then close."});
    }
  }
}

}  // namespace socklab::harness
