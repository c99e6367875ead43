#include "harness/report/console_report.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

namespace socklab::harness {
namespace {

const char* label(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "PASS";
    case Verdict::failed:
      return "FAIL";
    case Verdict::skipped:
      return "SKIP";
    case Verdict::error:
      return "ERROR";
  }
  return "ERROR";
}

// Indents every line after the first, so a multi-line stderr tail stays inside its block.
std::string indented(const std::string& text, const char* indent) {
  std::string result;
  for (char c : text) {
    result += c;
    if (c == '\n') result += indent;
  }
  return result;
}

}  // namespace

ConsoleReport::ConsoleReport(std::FILE* out, bool compare)
    : out_(out), compare_(compare), colour_(::isatty(::fileno(out)) && !std::getenv("NO_COLOR")) {}

const char* ConsoleReport::colour(Verdict verdict) const {
  if (!colour_) return "";
  switch (verdict) {
    case Verdict::passed:
      return "\033[32m";
    case Verdict::failed:
    case Verdict::error:
      return "\033[31m";
    case Verdict::skipped:
      return "\033[33m";
  }
  return "";
}

void ConsoleReport::scenario_finished(const ScenarioResult& result, int done, int total) {
  std::fprintf(out_, "[%3d/%d] %-9s %-18s %s%-5s%s %6.2f s\n", done, total, result.lab.c_str(),
               result.scenario.c_str(), colour(result.verdict), label(result.verdict), reset(),
               result.seconds);
  std::fflush(out_);
}

// The student's wire beside the reference's: where the two first part, then the diverging
// connection side by side.
void ConsoleReport::golden_comparison(const ScenarioResult& result) {
  if (!result.golden_error.empty()) {
    std::fprintf(out_, "  wire:     not compared with %s: %s\n", result.golden_trace.c_str(),
                 result.golden_error.c_str());
    return;
  }
  if (result.golden_divergence.empty()) {
    std::fprintf(out_, "  wire:     same TCP meaning as the golden trace %s\n",
                 result.golden_trace.c_str());
    return;
  }
  std::fprintf(out_, "  wire:     %s\n",
               indented(result.golden_divergence, "            ").c_str());
  std::fprintf(out_, "  golden:   %s\n", result.golden_trace.c_str());
  if (!compare_) {
    std::fprintf(out_, "            (--compare shows your trace beside it)\n");
    return;
  }
  for (const std::string& line : result.golden_side_by_side)
    std::fprintf(out_, "  %s\n", line.c_str());
}

// A scenario with parts goes on after a part fails: every part's outcome, and what each failed
// part beyond the first (shown above) expected.
void ConsoleReport::parts(const ScenarioResult& result) {
  if (result.parts.empty()) return;
  std::string line;
  for (const PartResult& part : result.parts)
    line += (line.empty() ? "" : ", ") + part.name + (part.passed ? " passed" : " FAILED");
  std::fprintf(out_, "  parts:    %s\n", line.c_str());
  bool headline_shown = false;
  for (const PartResult& part : result.parts) {
    if (part.passed) continue;
    if (!headline_shown && part.finding.sentence() == result.finding.sentence()) {
      headline_shown = true;
      continue;
    }
    std::fprintf(out_, "  also, part %s:\n    expected: %s\n    happened: %s\n", part.name.c_str(),
                 part.finding.expected.c_str(),
                 indented(part.finding.happened, "              ").c_str());
  }
}

// Each lab's checkpoints in handout order, from the verdicts of their scenarios: a student
// works through them one by one, so the first one that fails is the one to fix.
void ConsoleReport::checkpoints(const RunReport& report) {
  std::vector<std::string> labs;
  for (const ScenarioResult& result : report.results) {
    if (result.checkpoint > 0 && std::find(labs.begin(), labs.end(), result.lab) == labs.end())
      labs.push_back(result.lab);
  }
  for (const std::string& lab : labs) {
    std::map<int, std::vector<const ScenarioResult*>> by_checkpoint;
    std::string handout;
    for (const ScenarioResult& result : report.results) {
      if (result.lab != lab || result.checkpoint == 0) continue;
      by_checkpoint[result.checkpoint].push_back(&result);
      handout = result.handout;
    }
    std::fprintf(out_, "\ncheckpoints of %s (%s):\n", lab.c_str(), handout.c_str());
    const ScenarioResult* first_failure = nullptr;
    for (const auto& [number, results] : by_checkpoint) {
      Verdict verdict = Verdict::passed;
      std::string failed;
      for (const ScenarioResult* result : results) {
        if (result->verdict == Verdict::failed || result->verdict == Verdict::error) {
          verdict = Verdict::failed;
          failed += (failed.empty() ? "" : ", ") + result->scenario;
          if (!first_failure) first_failure = result;
        } else if (result->verdict == Verdict::skipped && verdict == Verdict::passed) {
          verdict = Verdict::skipped;
        }
      }
      std::string failures = failed.empty() ? "" : "  (failed: " + failed + ")";
      std::fprintf(out_, "  %s%-4s%s %2d  step %d: %s%s\n", colour(verdict), label(verdict),
                   reset(), number, results.front()->step,
                   results.front()->checkpoint_title.c_str(), failures.c_str());
    }
    if (first_failure) {
      std::fprintf(out_,
                   "first to fix: checkpoint %d, step %d of %s (%s/%s above); later checkpoints "
                   "build on it\n",
                   first_failure->checkpoint, first_failure->step, handout.c_str(), lab.c_str(),
                   first_failure->scenario.c_str());
    }
  }
}

void ConsoleReport::summary(const RunReport& report) {
  std::fprintf(out_, "\n%-9s %-23s %-7s %8s\n", "lab", "scenario", "verdict", "time");
  for (const ScenarioResult& result : report.results) {
    std::fprintf(out_, "%-9s %-23s %s%-7s%s %6.2f s\n", result.lab.c_str(), result.scenario.c_str(),
                 colour(result.verdict), verdict_name(result.verdict), reset(), result.seconds);
  }
  // What the scenarios saw on the wire, for one lab at a time: with --all the same lessons
  // would repeat once per lab (they stay in report.json).
  bool one_lab =
      std::all_of(report.results.begin(), report.results.end(),
                  [&](const ScenarioResult& r) { return r.lab == report.results[0].lab; });
  for (const ScenarioResult& result : report.results) {
    if (result.observations.empty() || !one_lab) continue;
    std::fprintf(out_, "\nseen in %s/%s:\n", result.lab.c_str(), result.scenario.c_str());
    for (const std::string& observation : result.observations) {
      std::fprintf(out_, "  - %s\n", indented(observation, "    ").c_str());
    }
  }
  for (const ScenarioResult& result : report.results) {
    if (result.verdict == Verdict::passed) continue;
    std::string where;
    if (result.checkpoint > 0) {
      where = " (checkpoint " + std::to_string(result.checkpoint) + ", step " +
              std::to_string(result.step) + " of " + result.handout + ")";
    }
    std::fprintf(out_, "\n%s%s %s/%s%s%s\n", colour(result.verdict), label(result.verdict),
                 result.lab.c_str(), result.scenario.c_str(), reset(), where.c_str());
    if (result.verdict == Verdict::failed) {
      std::fprintf(out_, "  expected: %s\n", result.finding.expected.c_str());
      std::fprintf(out_, "  happened: %s\n",
                   indented(result.finding.happened, "            ").c_str());
      std::fprintf(out_, "  meaning:  %s\n", result.finding.meaning.c_str());
      parts(result);
      if (!result.golden_trace.empty()) golden_comparison(result);
    } else {
      std::fprintf(out_, "  %s\n", result.note.c_str());
    }
    if (!result.pcap.empty()) std::fprintf(out_, "  pcap:     %s\n", result.pcap.c_str());
    if (!result.stderr_log.empty()) {
      std::fprintf(out_, "  logs:     %s, %s\n", result.stdout_log.c_str(),
                   result.stderr_log.c_str());
    }
  }
  checkpoints(report);
  std::fprintf(
      out_, "\n%d passed, %d failed, %d skipped, %d errors in %.1f s (%s mode, kernel %s)\n",
      report.count(Verdict::passed), report.count(Verdict::failed), report.count(Verdict::skipped),
      report.count(Verdict::error), report.seconds, report.mode.c_str(), report.kernel.c_str());
  if (report.interrupted) std::fprintf(out_, "interrupted: the remaining scenarios did not run\n");
  std::fflush(out_);
}

}  // namespace socklab::harness
