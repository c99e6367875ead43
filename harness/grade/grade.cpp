#include "harness/grade/grade.hpp"

namespace socklab::harness {

const char* grade_status_name(GradeStatus status) {
  switch (status) {
    case GradeStatus::passed:
      return "passed";
    case GradeStatus::failed:
      return "failed";
    case GradeStatus::not_gradable:
      return "not gradable here";
  }
  return "failed";
}

std::string failure_text(const ScenarioResult& result) {
  if (result.verdict == Verdict::error)
    return "the harness could not run this scenario: " + result.note;
  std::string text = "Expected " + result.finding.expected + "; " + result.finding.happened + ".";
  if (!result.finding.meaning.empty()) text += " " + result.finding.meaning;
  if (!result.golden_divergence.empty()) text += "\nOn the wire: " + result.golden_divergence;
  return text;
}

Grade grade_run(const RunReport& report, const LabManifest& manifest) {
  Grade grade;
  grade.lab = manifest.name;
  grade.mode = report.mode;
  grade.seconds = report.seconds;
  for (const RubricEntry& entry : manifest.rubric) {
    GradedScenario graded;
    graded.rubric = &entry;
    for (const ScenarioResult& result : report.results) {
      if (result.lab == manifest.name && result.scenario == entry.scenario) graded.result = &result;
    }
    graded.max_points = entry.points;
    if (!graded.result) {
      graded.status = GradeStatus::not_gradable;
      graded.max_points = 0;
      graded.reason = report.interrupted ? "the run was interrupted before this scenario"
                                         : "this scenario was not run";
    } else if (graded.result->verdict == Verdict::passed) {
      graded.status = GradeStatus::passed;
      graded.points = entry.points;
    } else if (graded.result->verdict == Verdict::skipped ||
               graded.result->verdict == Verdict::error) {
      // Not the student's doing: the machine cannot build the hosts this scenario needs, or the
      // harness itself failed. Either way the scenario says nothing about the program.
      graded.status = GradeStatus::not_gradable;
      graded.max_points = 0;
      graded.reason = graded.result->note;
    } else {
      graded.status = GradeStatus::failed;
      graded.reason = failure_text(*graded.result);
    }
    CategoryScore& category = grade.categories[entry.category];
    category.points += graded.points;
    category.max_points += graded.max_points;
    grade.points += graded.points;
    grade.max_points += graded.max_points;
    grade.scenarios.push_back(std::move(graded));
  }
  return grade;
}

Grade grade_failed_build(const LabManifest& manifest, const SubmissionBuild& build,
                         const std::string& mode) {
  Grade grade;
  grade.lab = manifest.name;
  grade.mode = mode;
  grade.build = build;
  grade.seconds = build.seconds;
  for (const RubricEntry& entry : manifest.rubric) {
    GradedScenario graded;
    graded.rubric = &entry;
    graded.status = GradeStatus::failed;
    graded.max_points = entry.points;
    graded.reason = "not run: the submission did not build (" + build.problem + ")";
    grade.categories[entry.category].max_points += entry.points;
    grade.max_points += entry.points;
    grade.scenarios.push_back(std::move(graded));
  }
  return grade;
}

}  // namespace socklab::harness
