#include "harness/grade/grade.hpp"

#include <algorithm>

#include "harness/engine/number_text.hpp"

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

std::string finding_text(const Finding& finding) {
  std::string text = "Expected " + finding.expected + "; " + finding.happened + ".";
  if (!finding.meaning.empty()) text += " " + finding.meaning;
  return text;
}

std::string failure_text(const ScenarioResult& result) {
  if (result.verdict == Verdict::error)
    return "the harness could not run this scenario: " + result.note;
  std::string text = finding_text(result.finding);
  if (!result.golden_divergence.empty()) text += "\nOn the wire: " + result.golden_divergence;
  return text;
}

namespace {

std::string points_text(double points) {
  return number_text(points) + (points == 1 ? " point" : " points");
}

// A scenario whose rubric entry has parts: each part earns its points if its own check passed
// (all of them when the scenario passed). A failure outside every part (a crash, a check the
// parts depend on) loses them all.
void grade_parts(const RubricEntry& entry, const ScenarioResult& result, GradedScenario& graded) {
  const bool whole = result.verdict == Verdict::failed && result.whole_failure.has_value();
  std::string lost_by_all;
  if (whole) {
    lost_by_all = "lost with the whole scenario: " + finding_text(*result.whole_failure);
  }
  std::string lines;
  graded.points = 0;  // the sum of the parts earned
  for (const RubricPart& rubric_part : entry.parts) {
    GradedPart part{rubric_part.name, 0, rubric_part.points, ""};
    auto found = std::find_if(result.parts.begin(), result.parts.end(),
                              [&](const PartResult& p) { return p.name == rubric_part.name; });
    if (result.verdict == Verdict::passed) {
      part.points = part.max_points;
    } else if (whole) {
      part.reason = lost_by_all;
    } else if (found == result.parts.end()) {
      part.reason = "not checked: the scenario ended before it reached this part";
    } else if (found->passed) {
      part.points = part.max_points;
    } else {
      part.reason = finding_text(found->finding);
    }
    graded.points += part.points;
    lines += "\n- " + part.name + " (" + points_text(part.max_points) +
             "): " + (part.reason.empty() ? "earned." : part.reason);
    graded.parts.push_back(std::move(part));
  }
  if (result.verdict == Verdict::passed) return;
  graded.reason = "Earned " + points_text(graded.points) + " of " + points_text(entry.points) +
                  "; each part of this scenario is graded on its own:" + lines;
  if (!result.golden_divergence.empty())
    graded.reason += "\nOn the wire: " + result.golden_divergence;
}

}  // namespace

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
      if (!entry.parts.empty()) grade_parts(entry, *graded.result, graded);
    } else if (graded.result->verdict == Verdict::skipped ||
               graded.result->verdict == Verdict::error) {
      // Not the student's doing: the machine cannot build the hosts this scenario needs, or the
      // harness itself failed. Either way the scenario says nothing about the program.
      graded.status = GradeStatus::not_gradable;
      graded.max_points = 0;
      graded.reason = graded.result->note;
    } else if (!entry.parts.empty()) {
      graded.status = GradeStatus::failed;
      grade_parts(entry, *graded.result, graded);
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
    for (const RubricPart& part : entry.parts)
      graded.parts.push_back({part.name, 0, part.points, graded.reason});
    grade.categories[entry.category].max_points += entry.points;
    grade.max_points += entry.points;
    grade.scenarios.push_back(std::move(graded));
  }
  return grade;
}

}  // namespace socklab::harness
