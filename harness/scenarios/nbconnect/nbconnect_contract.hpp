// What every nbconnect scenario shares: the deadline it gives the client, and the time windows
// its verdicts allow, wide enough for a loaded 2-core machine and still far apart.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "harness/engine/client_scenario_context.hpp"
#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness::nbconnect {

// 1.5 s: long enough for the first SYN retransmission (at 1 s) to show in the capture, and
// half-way between it and the next, which Linux sends at 2 s since 6.5 (the first
// tcp_syn_linear_timeouts = 4 retries come 1 s apart) and at 3 s before: a client that closes
// its socket on time leaves exactly two SYNs on the wire, on either kernel, even when late.
constexpr long kDeadlineMs = 1500;
constexpr long kAtOnceMs = kDeadlineMs / 2;
// A timeout at the deadline: not before it (50 ms for the client's own start-up and timer
// granularity), and up to 1.5 s late on a loaded machine.
constexpr long kTimeoutMinMs = kDeadlineMs - 50;
constexpr long kTimeoutMaxMs = kDeadlineMs + 1500;
// The client is stopped after three deadlines: a client that waits for the kernel instead of
// its own timer would run until tcp_syn_retries = 6 retries have gone unanswered.
constexpr std::chrono::milliseconds kRunLimit{3 * kDeadlineMs};

inline std::vector<std::string> deadline_arguments() {
  return {"--timeout", std::to_string(kDeadlineMs)};
}

inline ClientLimits run_limits() { return {kRunLimit, std::nullopt}; }

inline const std::string kDeadlineMeaning =
    "A non-blocking connect has no deadline of its own: the kernel retransmits an unanswered SYN "
    "(at 1, 2, 3, 4 and 5 s on Linux 6.5 and later, at 1, 3, 7, 15, 31 and 63 s before) until "
    "tcp_syn_retries = 6 retries have failed. The client must keep a timer per attempt and "
    "close the socket when it fires.";

inline const std::string kSoErrorMeaning =
    "A non-blocking connect that fails also makes the socket writable (epoll reports EPOLLOUT "
    "with EPOLLERR): writable means the attempt is over, not that it succeeded. Read SO_ERROR "
    "with getsockopt: 0 is connected, ECONNREFUSED means the host answered the SYN with RST "
    "(nothing listens on that port).";

// The captured connections whose server end is ADDRESS:PORT, in the order they began.
std::vector<TcpConnection> connections_to(const ClientScenarioContext& context,
                                          const std::string& target);
// "0.000 s, 1.004 s": the client's SYNs on each of those connections.
std::string syn_times_text(const std::vector<TcpConnection>& connections);
// Fails if the client sent a SYN to `target` after its deadline had passed (plus 0.5 s): the
// socket of a timed-out attempt was still open, so its kernel went on retrying. Waits first
// until the kernel's second retransmission (3 s after the first SYN) would have been captured.
void require_no_syn_after_deadline(ClientScenarioContext& context, const ClientRun& run,
                                   const std::string& target);

}  // namespace socklab::harness::nbconnect
