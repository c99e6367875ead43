// Autolab shows the whole output as the raw feedback, then reads its last line, {"scores":
// {...}}, keyed by rubric category.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"

namespace socklab::harness::detail {

using nlohmann::json;

namespace {

// Autolab's semantic feedback (docs/features/formatted-feedback.md): Autolab reads the line just
// before the scores as {"_presentation": "semantic", "stages": [...]}, each stage an object of
// tests with `passed` and a `hint` shown on a failure. A stage whose values are not objects is
// shown as a key: value table, which suits the mode. ordered_json keeps the rubric's order,
// which Autolab shows as given.
std::string autolab_semantic_line(const Grade& grade) {
  nlohmann::ordered_json feedback = {{"_presentation", "semantic"}};
  nlohmann::ordered_json stages = nlohmann::ordered_json::array();
  nlohmann::ordered_json mode = {{"mode", grade.mode}};
  if (!grade.mode_reason.empty()) mode["why"] = grade.mode_reason;
  stages.push_back("Grading mode");
  feedback["Grading mode"] = mode;
  if (grade.build.attempted) {
    nlohmann::ordered_json build_test = {{"passed", grade.build.succeeded}};
    if (!grade.build.succeeded) build_test["hint"] = build_text(grade);
    stages.push_back("Build");
    feedback["Build"] = {{"compile " + submitted_files(grade), build_test}};
  }
  for (const auto& [name, category] : grade.categories) {
    std::string stage = name + " (" + number_text(category.points) + " / " +
                        number_text(category.max_points) + " points)";
    nlohmann::ordered_json tests = nlohmann::ordered_json::object();
    for (const GradedScenario& graded : grade.scenarios) {
      if (graded.rubric->category != name) continue;
      std::string test = graded.rubric->scenario + " (" + number_text(graded.points) + " / " +
                         number_text(graded.max_points) + ")";
      if (graded.status == GradeStatus::not_gradable) test += " not gradable here";
      nlohmann::ordered_json result = {{"passed", graded.status != GradeStatus::failed}};
      if (graded.status == GradeStatus::failed) result["hint"] = one_line(graded.reason);
      tests[test] = result;
    }
    stages.push_back(stage);
    feedback[stage] = tests;
  }
  feedback["stages"] = stages;
  return feedback.dump(-1, ' ', false, kReplaceBadUtf8);
}

}  // namespace

std::string autolab_text(const Grade& grade) {
  std::string text = summary_text(grade) + "\n";
  for (const GradedScenario& graded : grade.scenarios) {
    static const std::map<GradeStatus, const char*> kLabels = {
        {GradeStatus::passed, "PASS "},
        {GradeStatus::failed, "FAIL "},
        {GradeStatus::not_gradable, "SKIP "}};
    text += kLabels.at(graded.status) + graded.rubric->scenario + " (" +
            number_text(graded.points) + "/" + number_text(graded.max_points) + ")";
    if (graded.status == GradeStatus::failed) text += ": " + graded.reason;
    if (graded.status == GradeStatus::not_gradable) text += ": not gradable here: " + graded.reason;
    text += "\n";
  }
  json scores = json::object();
  for (const auto& [name, category] : grade.categories) scores[name] = category.points;
  return text + autolab_semantic_line(grade) + "\n" + json{{"scores", scores}}.dump() + "\n";
}

}  // namespace socklab::harness::detail
