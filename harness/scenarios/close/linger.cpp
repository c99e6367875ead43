// linger: with --close-mode linger=1 the server closes a finished connection with SO_LINGER
// {1, 1} while its client, reading nothing, holds a zero window. What Linux does, measured on
// this kernel: close() blocks for the whole second although the socket is non-blocking, so
// the server's loop stalls and a second client waits ~1 s for its echo; then close() returns,
// and the kernel still delivers the data and the FIN once the client reads (at 2 s). Lingering
// on Linux delays the caller; it neither guarantees delivery nor aborts when the time is up.
#include <thread>

#include "harness/scenarios/close/scripted_client.hpp"
#include "net/errno_text.hpp"

using namespace std::chrono_literals;

namespace socklab::harness {
namespace {

using Clock = std::chrono::steady_clock;

struct ProbeWaits {
  std::chrono::milliseconds longest{0};
  std::chrono::milliseconds longest_began{0};  // since the probing began
  int pings = 0;
  std::string problem;  // the probe's own connection failed
};

// A second client sends `count` bytes, one at a time, 20 ms apart, and times each echo: the
// longest wait is how long the server's loop stood still. A fixed count, not a fixed period,
// so that the golden trace shows the same bytes every run.
ProbeWaits probe_server(ScriptedClient& probe, int count) {
  ProbeWaits waits;
  auto start = Clock::now();
  try {
    while (waits.pings < count) {
      auto sent_at = Clock::now();
      if (int error = probe.send_all("p", 3s); error != 0) {
        waits.problem = "send() failed: " + errno_text(error);
        return waits;
      }
      ReadOutcome echo = probe.read_exactly(1, 3s);
      if (echo.bytes.size() != 1) {
        waits.problem = "its echo: " + echo.describe();
        return waits;
      }
      auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - sent_at);
      ++waits.pings;
      if (waited > waits.longest) {
        waits.longest = waited;
        waits.longest_began =
            std::chrono::duration_cast<std::chrono::milliseconds>(sent_at - start);
      }
      std::this_thread::sleep_for(20ms);
    }
  } catch (const std::exception& error) {
    waits.problem = error.what();
  }
  return waits;
}

}  // namespace

SOCKLAB_SCENARIO(
    close_linger,
    {.group = "close",
     .name = "linger",
     .purpose = "echo, linger=1: close() blocks ~1 s on a zero window; data and FIN follow",
     .server_arguments = {"--proto", "echo", "--close-mode", "linger=1"},
     // Three lessons a server can get right independently: the kernel still delivers what
     // close() left behind, one close must not end other connections, and SO_LINGER {1, N}
     // makes close() block. A rubric can weigh each.
     .parts = {"data-and-fin", "others-served", "close-blocks"}}) {
  constexpr std::size_t kPayload = 32 << 10;
  ScriptedClient probe(context.connect_client());
  std::vector<EchoFlow> flows;
  // 32 KiB and a 16 KiB receive buffer, nothing read for 2 s: the server's kernel takes the
  // whole echo (half in our window, half in its send buffer, which starts at about 80 KiB on
  // this kernel and cannot grow while nothing is acknowledged), the server sees our FIN and
  // closes, and the rest of the data and its FIN wait behind our zero window for longer than
  // the 1 s linger time. (With 256 KiB the echo stays in the server's own memory until we
  // read, and close() comes only then, when nothing is left to wait for.)
  flows.emplace_back("the lingering client", context.random_bytes(kPayload));
  flows.back().half_close_when_sent().receive_buffer(16 << 10).start_reading_after(2s);
  ProbeWaits waits;
  // 40 pings: 0.8 s of pauses, so the probe is still pinging when the server starts to close
  // (within milliseconds of our FIN) and, with the reference, ends near 1.8 s.
  std::thread prober([&] { waits = probe_server(probe, 40); });
  DriveEnd end = context.drive(flows, {.deadline = 15s, .stall = 4s});
  prober.join();
  // The wire first: whatever close() did, the data and then the FIN must reach the client.
  context.part("data-and-fin", [&] {
    context.require_graceful_close_on_the_wire(flows, "linger");
    context.require_complete(
        flows, end, "all 32768 bytes echoed once the client reads at 2 s, then the server's FIN",
        "When SO_LINGER's time runs out, Linux's close() returns but the connection goes on: the "
        "kernel still sends the queued data and the FIN.");
    context.observe(
        "the client held a zero window for 2 s; the data and the server's FIN reached "
        "it afterwards, when it read");
  });
  context.part("others-served", [&] {
    if (!waits.problem.empty()) {
      fail({"a second client's 1-byte echoes answered while the server closes the first",
            "the second client failed: " + waits.problem,
            "One connection's close must not end another connection."});
    }
  });
  context.part("close-blocks", [&] {
    if (!waits.problem.empty()) {
      fail(
          {"the server's close() with SO_LINGER {1, 1} to block for about 1 s, measured by a "
           "second client's echoes",
           "it could not be measured: the second client failed (" + waits.problem + ")",
           "The stall of a lingering close() shows as a second client waiting for its echo; "
           "with that client gone, nothing measured it."});
    }
    // Measured on this kernel: the longest wait is 984-1029 ms (20 runs). 500 ms leaves room
    // for a loaded machine starting the probe late; a server that does not linger answers in
    // 1 ms.
    if (waits.longest < 500ms) {
      fail(
          {"the server's close() with SO_LINGER {1, 1} to block for about 1 s while the client "
           "held a zero window, stalling its loop (a second client's echo waiting ~1 s)",
           "the longest a second client waited for its echo, over " + std::to_string(waits.pings) +
               " pings, was " + std::to_string(waits.longest.count()) +
               " ms: close() did not block",
           "With SO_LINGER {1, N} Linux's close() waits up to N s for the peer to acknowledge "
           "the data and the FIN, even on a non-blocking socket. No wait means SO_LINGER was "
           "not set (or was {0, N}), or the socket was not closed while data was still "
           "unacknowledged."});
    }
    context.observe("close() blocked the server for about " +
                    std::to_string(waits.longest.count()) +
                    " ms: a second client's echo waited that long (sent " +
                    std::to_string(waits.longest_began.count()) + " ms into probing)");
  });
}

}  // namespace socklab::harness
