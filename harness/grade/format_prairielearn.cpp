// PrairieLearn's external grader results (docs/externalGrading.md). A broken build stays
// gradable: "gradable": false would mean an invalid answer that costs no attempt, and a
// submission that does not compile is a zero.
#include <nlohmann/json.hpp>
#include <string>

#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"

namespace socklab::harness::detail {

using nlohmann::json;

json prairielearn_json(const Grade& grade) {
  json tests = json::array();
  for (const GradedScenario& graded : grade.scenarios) {
    tests.push_back({{"name", title_of(graded)},
                     {"points", graded.points},
                     {"max_points", graded.max_points},
                     {"message", graded.status == GradeStatus::passed ? "passed" : graded.reason},
                     {"output", markdown_of(graded)}});
  }
  std::string message = score_line(grade) + " " + mode_text(grade);
  if (grade.build.attempted && !grade.build.succeeded) message += "\n" + build_text(grade);
  std::string output;
  if (grade.build.attempted) output += build_details_text(grade.build, true) + "\n";
  output += categories_text(grade);
  double score = grade.max_points > 0 ? grade.points / grade.max_points : 0;
  return {{"gradable", true},
          {"score", score},
          {"message", message},
          {"output", output},
          {"tests", tests}};
}

}  // namespace socklab::harness::detail
