// Grade: a run's verdicts weighed by the lab's rubric (lab.toml). Every point lost has its
// scenario's verdict as the reason; a scenario that could not run here (no namespaces), or in
// which the harness itself failed, is "not gradable here" and leaves the maximum instead of
// counting as lost.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/engine/lab_manifest.hpp"
#include "harness/report/result.hpp"

namespace socklab::harness {

enum class GradeStatus { passed, failed, not_gradable };
const char* grade_status_name(GradeStatus status);  // "passed", "failed", "not gradable here"

// One part of a rubric entry with parts (RubricEntry::parts), earned or lost on its own.
struct GradedPart {
  std::string name;
  double points = 0;  // earned
  double max_points = 0;
  std::string reason;  // why it was lost; "" when earned
};

struct GradedScenario {
  const RubricEntry* rubric = nullptr;
  const ScenarioResult* result = nullptr;    // null: the scenario did not run at all
  GradeStatus status = GradeStatus::failed;  // failed also when some parts earned their points
  double points = 0;                         // earned
  double max_points = 0;                     // 0 when not gradable here
  // Why points were lost (for an entry with parts: part by part), or why it could not be
  // graded; "" on a pass.
  std::string reason;
  std::vector<GradedPart> parts;  // empty unless the rubric entry has parts
};

struct CategoryScore {
  double points = 0;
  double max_points = 0;
};

// How a student's files became the program under test (`--submission DIR`); not attempted
// when a ready program was graded with --server.
struct SubmissionBuild {
  bool attempted = false;
  bool succeeded = false;
  std::vector<std::string> files;  // the lab's files, as its manifest names them
  // One sentence when it failed: "server.cpp is missing from the submission", "the compiler
  // rejected server.cpp", "the build took longer than 120 s and was stopped".
  std::string problem;
  std::string compiler_output;     // the compiler's first lines (bounded), for the feedback
  std::vector<std::string> notes;  // "extra file ignored: notes.txt", and the like
  std::string command;             // the compile command, as it ran
  double seconds = 0;
};

struct Grade {
  std::string lab;
  std::string mode;  // "netns" or "loopback", from the run
  // Why this mode: "network namespaces could not be made here (unshare(CLONE_NEWUSER): EPERM)"
  // when socklab fell back to loopback on its own; empty when the mode was simply the one asked.
  std::string mode_reason;
  SubmissionBuild build;
  double seconds = 0;
  double points = 0;
  double max_points = 0;
  std::vector<GradedScenario> scenarios;  // in rubric order
  std::map<std::string, CategoryScore> categories;
};

Grade grade_run(const RunReport& report, const LabManifest& manifest);

// The grade of a submission that did not build: every rubric entry failed, the build's problem
// as each reason, the full maximum kept (a broken build is a zero, not "not gradable").
Grade grade_failed_build(const LabManifest& manifest, const SubmissionBuild& build,
                         const std::string& mode);

// The reason a scenario lost its points, in one paragraph: expected, what happened, what it
// means in TCP terms, where the wire first differed from the golden trace.
std::string failure_text(const ScenarioResult& result);
// The same for one Finding of the scenario (a part's, or the failure outside every part).
std::string finding_text(const Finding& finding);

}  // namespace socklab::harness
