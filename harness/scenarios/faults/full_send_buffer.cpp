// full-send-buffer: a client floods the server and reads nothing, through a small receive
// window. Its window closes (zero window), the server's socket buffer fills, and the echo the
// server owes piles up. A correct server stops reading that peer at --high-water, so its
// memory stays bounded and the flood stops at the client's own send(); it does not spin,
// serves others meanwhile, and loses nothing once the client reads again.
#include <cstdio>
#include <thread>

#include "harness/engine/scenario_context.hpp"
#include "harness/trace/segment_queries.hpp"
#include "harness/trace/wire_checks.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {
namespace {

constexpr std::size_t kFloodBytes = 64 << 20;
// The reference grows by about its 1 MiB --high-water plus buffer slack; a server that buffers
// without bound grows by the whole flood it has read, tens of MiB in the stall window.
constexpr std::uint64_t kGrowthBound = 16 << 20;

std::string mebibytes(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  return text;
}

// On the wire, backpressure is the server's TCP no longer acknowledging the flood: once the
// server stops reading, its receive buffer fills and its window closes. The reference takes in
// its 1 MiB --high-water plus its socket buffers; a server that keeps reading takes in the
// whole flood.
void require_backpressure_on_the_wire(ScenarioContext& context, const EchoFlow& flood) {
  if (!context.capturing()) return;
  std::optional<TcpConnection> connection =
      connection_of(context.captured_segments(), flood.local_endpoint());
  if (!connection) return;
  std::uint64_t taken_in = bytes_acknowledged(*connection, Side::client);
  context.observe("while the flooding client read nothing, the server's TCP acknowledged " +
                  mebibytes(taken_in) + " of the " + mebibytes(flood.bytes_sent()) + " it sent");
  if (taken_in <= kGrowthBound) return;
  fail(
      {"the server's TCP to stop acknowledging the flood once the server stopped reading "
       "(under " +
           mebibytes(kGrowthBound) + " taken in: --high-water plus the socket buffers)",
       "it acknowledged " + mebibytes(taken_in) + " of the " + mebibytes(flood.bytes_sent()) +
           " the client sent while reading none of the echo",
       "No backpressure on the wire: the server kept reading a peer whose echo it could not "
       "deliver, so its TCP kept accepting data and the bytes piled up in the server's memory "
       "instead. Stop reading a connection once its unsent output exceeds --high-water; the "
       "receive buffer then fills and TCP's zero window stops the sender."});
}

}  // namespace

SOCKLAB_SCENARIO(
    echo_full_send_buffer,
    {.group = "echo",
     .name = "full-send-buffer",
     .purpose = "a client floods 64 MiB, reads nothing for 7 s: bounded memory, no spin",
     .client_hosts = 2,
     // Four lessons a server can get right independently; a rubric can weigh each.
     .parts = {"others-served", "bounded-memory", "no-spin", "resumes"}}) {
  const std::uint64_t rss_before = context.server_facts().rss_bytes;
  std::vector<EchoFlow> flood;
  flood.emplace_back("the flooding client", context.random_bytes(kFloodBytes), 0);
  // The client reads nothing for 7 s: longer than the 5 s a healthy client may wait, so a
  // server that blocks on the flooding peer (a blocking send) fails that check, not just
  // answers late.
  flood.back().chunk_sizes(256 << 10, 256 << 10).receive_buffer(64 << 10).start_reading_after(7s);
  // Until the flood stalls against the server's backpressure (or 2 s pass for a server that
  // keeps reading).
  context.drive(flood, {.deadline = 2s, .stall = 500ms});
  context.require_server_alive("full-send-buffer, while a client flooded without reading");

  const std::uint64_t rss_stalled = context.server_facts().rss_bytes;
  const CpuWindow stall = context.start_cpu_window();
  context.part("others-served", [&] {
    context.require_healthy_client_served(1, "while another client flooded without reading");
  });
  std::this_thread::sleep_for(stall.start + 500ms - std::chrono::steady_clock::now());

  std::uint64_t peak = std::max(rss_stalled, context.server_facts().rss_bytes);
  std::uint64_t growth = peak > rss_before ? peak - rss_before : 0;
  context.part("bounded-memory", [&] {
    if (growth > kGrowthBound) {
      fail(
          {"the server's memory to stay bounded while a client sends without reading "
           "(growth under " +
               mebibytes(kGrowthBound) + "; --high-water is 1 MiB)",
           "its resident memory grew by " + mebibytes(growth) + " (from " + mebibytes(rss_before) +
               " to " + mebibytes(peak) + ") after the client had sent " +
               mebibytes(flood[0].bytes_sent()),
           "Unbounded output buffering: the server kept reading from a peer whose echo it could "
           "not deliver, so everything the peer sent piled up in the server. Stop reading a "
           "connection once its unsent output exceeds --high-water (drop EPOLLIN/POLLIN for it) "
           "and resume when it drains; then TCP's own flow control (a zero window) stops the "
           "sender."});
    }
    // After the memory check: a server that buffers without bound fails that first; one that
    // keeps memory bounded by throwing data away is caught here.
    require_backpressure_on_the_wire(context, flood[0]);
  });
  context.part("no-spin",
               [&] { context.require_no_busy_loop(stall, "while a client's window was closed"); });

  // Nothing moves until the client starts reading, up to 7 s after the flood began.
  DriveEnd end = context.drive(flood, {.deadline = 30s, .stall = 10s});
  context.part("resumes", [&] {
    context.require_complete(flood, end, "all 64 MiB echoed intact once the client reads again",
                             "The server did not resume: once a stalled peer drains its window, "
                             "the server must write its pending output and read again.");
  });
  if (context.capturing()) {
    int zero_windows = count_zero_windows(context.captured_segments(), flood[0].local_endpoint(),
                                          context.server_tcp_endpoint());
    context.observe("the flooding client advertised a zero window in " +
                    std::to_string(zero_windows) + " segments; the server's memory grew by " +
                    mebibytes(growth) + " at most");
  } else {
    context.observe("the server's memory grew by " + mebibytes(growth) + " at most");
  }
}

}  // namespace socklab::harness
