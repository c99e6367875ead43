// One scenario of a client lab, start to finish: hosts, capture, the scenario body (which sets
// up targets and runs the client under test), clean-up. The server-lab counterpart is
// run_inside() in run_scenario.cpp; both fill the same ScenarioResult.
#pragma once

#include "harness/engine/run_scenario.hpp"

namespace socklab::harness {

class PacketCapture;

// Stops the capture and says in `result` how many packets it holds, and whether it is complete.
void stop_capture(PacketCapture& capture, ScenarioResult& result);

void run_client_inside(const ScenarioJob& job, const RunSettings& settings, ScenarioResult& result);

}  // namespace socklab::harness
