// What a person sees in the terminal: a line per scenario as it finishes, then a summary
// table, then every failure in plain words with where its evidence is.
#pragma once

#include <cstdio>

#include "harness/engine/run_scenario.hpp"
#include "harness/report/result.hpp"

namespace socklab::harness {

class ConsoleReport {
 public:
  // `compare`: print each failed scenario's normalized trace beside the golden's, not only
  // where the two first differ.
  explicit ConsoleReport(std::FILE* out, bool compare = false);
  void scenario_finished(const ScenarioResult& result, int done, int total);
  void summary(const RunReport& report);

 private:
  void golden_comparison(const ScenarioResult& result);
  void parts(const ScenarioResult& result);
  void checkpoints(const RunReport& report);
  const char* colour(Verdict verdict) const;
  const char* reset() const { return colour_ ? "\033[0m" : ""; }
  std::FILE* out_;
  bool compare_;
  bool colour_;
};

}  // namespace socklab::harness
