// TAP version 14: the plan, ok / not ok per scenario, YAML diagnostics for a failure (JSON
// strings are valid YAML scalars, so every value is quoted that way), # SKIP with the reason.
// The build, when there was one, is test 1; the mode is a comment before the plan.
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"

namespace socklab::harness::detail {

using nlohmann::json;

namespace {

std::string yaml_string(const std::string& text) {
  return json(text).dump(-1, ' ', false, kReplaceBadUtf8);
}

void tap_build(const Grade& grade, std::ostringstream& out) {
  const SubmissionBuild& build = grade.build;
  out << (build.succeeded ? "ok 1 - build\n" : "not ok 1 - build\n");
  if (build.succeeded && build.notes.empty()) return;
  // Debian's TAP::Parser reads only a subset of YAML: quoted scalars and block lists, no blank
  // lines inside a block scalar, so the compiler's lines go in one JSON-quoted string.
  out << "  ---\n  message: " << yaml_string(build_text(grade)) << "\n";
  if (!build.succeeded) out << "  severity: fail\n";
  if (!build.command.empty()) out << "  command: " << yaml_string(build.command) << "\n";
  if (!build.compiler_output.empty())
    out << "  compiler_output: " << yaml_string(build.compiler_output) << "\n";
  if (!build.notes.empty()) {
    out << "  notes:\n";
    for (const std::string& note : build.notes) out << "    - " << yaml_string(note) << "\n";
  }
  out << "  ...\n";
}

}  // namespace

std::string tap_text(const Grade& grade) {
  std::ostringstream out;
  int number = grade.build.attempted ? 1 : 0;
  out << "TAP version 14\n# " << one_line(mode_text(grade)) << "\n";
  out << "1.." << grade.scenarios.size() + number << "\n";
  if (grade.build.attempted) tap_build(grade, out);
  for (const GradedScenario& graded : grade.scenarios) {
    ++number;
    bool ok = graded.status != GradeStatus::failed;
    out << (ok ? "ok " : "not ok ") << number << " - " << graded.rubric->scenario;
    if (graded.status == GradeStatus::not_gradable) out << " # SKIP " << one_line(graded.reason);
    out << "\n";
    if (graded.status != GradeStatus::failed) continue;
    out << "  ---\n";
    out << "  message: " << yaml_string(graded.reason) << "\n";
    out << "  severity: fail\n";
    if (graded.result && graded.result->verdict == Verdict::failed) {
      out << "  expected: " << yaml_string(graded.result->finding.expected) << "\n";
      out << "  actual: " << yaml_string(graded.result->finding.happened) << "\n";
    }
    out << "  points: " << json(graded.points).dump() << "\n";
    out << "  max_points: " << json(graded.max_points).dump() << "\n";
    out << "  ...\n";
  }
  return out.str();
}

}  // namespace socklab::harness::detail
