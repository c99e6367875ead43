// socklab's own format: the Grade, every field of it, as the "grade" object that write_grade()
// adds to the run's report.json beside its verdicts.
#include <nlohmann/json.hpp>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"

namespace socklab::harness::detail {

using nlohmann::json;

json own_json(const Grade& grade) {
  json scenarios = json::array();
  for (const GradedScenario& graded : grade.scenarios) {
    json parts = json::array();
    for (const GradedPart& part : graded.parts) {
      parts.push_back({{"name", part.name},
                       {"points", part.points},
                       {"max_points", part.max_points},
                       {"reason", part.reason}});
    }
    scenarios.push_back({{"scenario", graded.rubric->scenario},
                         {"category", graded.rubric->category},
                         {"visibility", graded.rubric->visibility},
                         {"status", grade_status_name(graded.status)},
                         {"points", graded.points},
                         {"max_points", graded.max_points},
                         {"rubric_points", graded.rubric->points},
                         {"reason", graded.reason},
                         {"parts", parts}});
  }
  json categories = json::object();
  for (const auto& [name, category] : grade.categories) {
    categories[name] = {{"points", category.points}, {"max_points", category.max_points}};
  }
  const SubmissionBuild& build = grade.build;
  json build_json = {{"attempted", build.attempted}, {"succeeded", build.succeeded},
                     {"problem", build.problem},     {"compiler_output", build.compiler_output},
                     {"notes", build.notes},         {"command", build.command},
                     {"seconds", build.seconds}};
  return {{"socklab_grade_version", 1}, {"lab", grade.lab},
          {"mode", grade.mode},         {"mode_reason", grade.mode_reason},
          {"build", build_json},        {"seconds", grade.seconds},
          {"points", grade.points},     {"max_points", grade.max_points},
          {"categories", categories},   {"scenarios", scenarios}};
}

}  // namespace socklab::harness::detail
