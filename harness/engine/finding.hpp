// Finding: what a check saw go wrong, in the three parts every verdict has: what was expected,
// what happened instead, and what that means in TCP terms.
#pragma once

#include <stdexcept>
#include <string>

namespace socklab::harness {

struct Finding {
  std::string expected;  // "all 1048576 bytes echoed, then the server's FIN"
  std::string happened;  // "FIN after 40960 bytes (1007616 bytes lost)"
  std::string meaning;   // "A server must send everything it owes before it closes."

  std::string sentence() const;  // "expected ...; happened .... meaning"
};

// Thrown by a check to end its scenario with a failed verdict.
class ScenarioFailure : public std::runtime_error {
 public:
  explicit ScenarioFailure(Finding finding)
      : std::runtime_error(finding.sentence()), finding_(std::move(finding)) {}
  const Finding& finding() const { return finding_; }

 private:
  Finding finding_;
};

[[noreturn]] inline void fail(Finding finding) { throw ScenarioFailure(std::move(finding)); }

}  // namespace socklab::harness
