// The outcome of a run: one ScenarioResult per scenario, and what the run was made under.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/finding.hpp"

namespace socklab::harness {

enum class Verdict {
  passed,
  failed,   // the program under test did something wrong: `finding` says what
  skipped,  // could not be judged here (e.g. needs namespaces): `note` says why; never a pass
  error,    // the harness itself failed (`note`): says nothing about the program
};
const char* verdict_name(Verdict verdict);

// One of a scenario's parts (ScenarioSpec::parts), as its check came out.
struct PartResult {
  std::string name;
  bool passed = false;
  Finding finding;  // when not passed
};

struct ScenarioResult {
  std::string lab;
  std::string scenario;
  std::string purpose;
  // The lab manifest's checkpoint holding this scenario (0: none), and the handout step it checks.
  int checkpoint = 0;
  int step = 0;
  std::string checkpoint_title;
  std::string handout;  // "labs/05-epoll-et/README.md"
  Verdict verdict = Verdict::error;
  Finding finding;  // when failed: the first failure, the one to fix first
  // The parts whose checks ran, in the order they ran; a part missing here was never reached.
  std::vector<PartResult> parts;
  // A failure outside every part (a crash, a check the parts depend on): no part earns points.
  std::optional<Finding> whole_failure;
  std::string note;  // when skipped or error; or a remark on a pass (e.g. no capture)
  std::vector<std::string> observations;  // what the scenario saw on the wire, pass or fail
  double seconds = 0;
  std::filesystem::path server_program;
  std::filesystem::path pcap;  // empty when nothing was captured
  std::filesystem::path stdout_log;
  std::filesystem::path stderr_log;
  std::uint64_t packets = 0;
  std::uint64_t packets_dropped = 0;  // by the kernel during the capture: the pcap is incomplete
  // When a scenario failed and its golden trace exists: how the student's wire differs from
  // the reference's, in words, and the two normalized traces side by side (empty lines when
  // the wire matches the golden: the fault then did not show in TCP).
  std::string golden_trace;  // the .trace compared with; empty when there was none
  std::string golden_divergence;
  std::string golden_error;  // why the comparison could not be made
  std::vector<std::string> golden_side_by_side;
  std::string server_exit;  // "exited with status 0"
};

struct RunReport {
  std::string mode;  // "netns" or "loopback"
  std::string kernel;
  std::map<std::string, std::string> tcp_sysctls;
  bool sysctls_pinned = false;  // false in loopback mode: the host's own values
  std::string started_at;       // ISO 8601, UTC
  double seconds = 0;
  bool interrupted = false;
  std::vector<ScenarioResult> results;

  int count(Verdict verdict) const;
  // 0: every scenario passed; 1: something failed or the harness erred; 3: nothing failed but
  // some scenarios could not be judged here.
  int exit_status() const;
};

}  // namespace socklab::harness
