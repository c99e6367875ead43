#include "harness/report/result.hpp"

#include <algorithm>

namespace socklab::harness {

const char* verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::skipped:
      return "skipped";
    case Verdict::error:
      return "error";
  }
  return "error";
}

int RunReport::count(Verdict verdict) const {
  return static_cast<int>(std::count_if(results.begin(), results.end(),
                                        [&](const ScenarioResult& r) { return r.verdict == verdict; }));
}

int RunReport::exit_status() const {
  if (interrupted || count(Verdict::failed) > 0 || count(Verdict::error) > 0) return 1;
  if (count(Verdict::skipped) > 0) return 3;
  return results.empty() ? 1 : 0;
}

}  // namespace socklab::harness
