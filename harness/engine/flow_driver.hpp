// FlowDriver: runs many EchoFlows at once on one epoll instance, the client side's own event
// loop, until each has completed or failed, nothing has moved for a while, or time is up.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "harness/engine/echo_flow.hpp"
#include "net/fd.hpp"

namespace socklab::harness {

enum class DriveEnd {
  settled,      // every flow completed or failed
  stalled,      // no flow made progress for the stall period
  deadline,     // the overall time limit passed
};

struct DriveLimits {
  std::chrono::milliseconds deadline{20000};
  // Waiting longer would not help: a server that has moved no byte for this long is stuck.
  // Long enough for a retransmitted SYN (1 s) and for a loaded 2-core machine's hiccups.
  std::chrono::milliseconds stall{3000};
};

// Opens a non-blocking socket on the flow's client host, with the flow's socket options, and
// starts connecting it to the server.
using Connector = std::function<Fd(const EchoFlow& flow)>;

// Throws Interrupted on Ctrl-C.
DriveEnd drive_flows(const std::vector<EchoFlow*>& flows, const Connector& connect,
                     DriveLimits limits = {});

}  // namespace socklab::harness
