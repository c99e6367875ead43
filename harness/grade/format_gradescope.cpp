// Gradescope's results.json (gradescope-autograders.readthedocs.io/en/latest/specs/). The build
// is a test of its own worth 0 points and always visible, so a student whose submission did not
// compile finds the compiler's errors among the tests; `status` says pass or fail, because
// Gradescope would count 0 of 0 points as a pass.
#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"

namespace socklab::harness::detail {

using nlohmann::json;

json gradescope_json(const Grade& grade) {
  json tests = json::array();
  if (grade.build.attempted) {
    tests.push_back({{"name", "Build: " + submitted_files(grade)},
                     {"number", "0"},
                     {"score", 0},
                     {"max_score", 0},
                     {"status", grade.build.succeeded ? "passed" : "failed"},
                     {"output", build_markdown(grade)},
                     {"output_format", "md"},
                     {"visibility", "visible"},
                     {"tags", json::array({"build"})}});
  }
  int number = 0;
  for (const GradedScenario& graded : grade.scenarios) {
    ++number;
    tests.push_back({{"name", title_of(graded)},
                     {"number", std::to_string(number)},
                     {"score", graded.points},
                     {"max_score", graded.max_points},
                     {"status", graded.status == GradeStatus::failed ? "failed" : "passed"},
                     {"output", markdown_of(graded)},
                     {"output_format", "md"},
                     {"visibility", graded.rubric->visibility},
                     {"tags", json::array({graded.rubric->category})}});
  }
  return {{"score", grade.points},
          {"execution_time", static_cast<int>(grade.seconds + 0.5)},
          {"output", summary_markdown(grade)},
          {"output_format", "md"},
          {"extra_data",
           {{"lab", grade.lab}, {"mode", grade.mode}, {"mode_reason", grade.mode_reason}}},
          {"tests", tests}};
}

}  // namespace socklab::harness::detail
