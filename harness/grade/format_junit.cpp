// JUnit: a testsuite per lab, a testcase per scenario, the failure's message and body, and
// system-out inside the testcase, where GitLab and the GitHub reporters look for it. The mode
// is a suite property, and the summary the suite's own system-out, which Jenkins shows.
#include <cstdio>
#include <pugixml.hpp>
#include <stdexcept>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"
#include "harness/grade/printable_text.hpp"

namespace socklab::harness::detail {
namespace {

// Jenkins and GitLab read a duration as digits and a point; %g would write 1e-05 for a fast test.
std::string seconds_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

void append_property(pugi::xml_node properties, const char* name, const std::string& value) {
  pugi::xml_node property = properties.append_child("property");
  property.append_attribute("name") = name;
  property.append_attribute("value") = printable(value).c_str();
}

// The build as the first testcase, `<lab>.build`: a failure whose body is the compiler's output.
void append_build_testcase(const Grade& grade, pugi::xml_node suite) {
  const SubmissionBuild& build = grade.build;
  pugi::xml_node test = suite.append_child("testcase");
  test.append_attribute("classname") = (grade.lab + ".build").c_str();
  test.append_attribute("name") = "build";
  test.append_attribute("time") = seconds_text(build.seconds).c_str();
  if (!build.succeeded) {
    pugi::xml_node failure = test.append_child("failure");
    failure.append_attribute("message") = printable(build.problem).c_str();
    failure.append_attribute("type") = "build";
    const std::string& body =
        build.compiler_output.empty() ? build_text(grade) : build.compiler_output;
    failure.text() = printable(body).c_str();
  }
  std::string out = build_text(grade) + "\n" + build_details_text(build, build.succeeded);
  test.append_child("system-out").text() = printable(out).c_str();
}

void append_scenario_testcase(const Grade& grade, const GradedScenario& graded,
                              pugi::xml_node suite) {
  pugi::xml_node test = suite.append_child("testcase");
  std::string classname = grade.lab;
  if (graded.result && graded.result->checkpoint > 0) {
    classname += ".checkpoint" + std::to_string(graded.result->checkpoint);
  }
  test.append_attribute("classname") = classname.c_str();
  test.append_attribute("name") = graded.rubric->scenario.c_str();
  test.append_attribute("time") = seconds_text(graded.result ? graded.result->seconds : 0).c_str();
  if (graded.status == GradeStatus::failed) {
    pugi::xml_node failure = test.append_child("failure");
    std::string message = graded.result && !graded.result->finding.expected.empty()
                              ? "expected " + graded.result->finding.expected
                              : graded.reason;
    failure.append_attribute("message") = printable(message).c_str();
    failure.append_attribute("type") = graded.rubric->category.c_str();
    failure.text() = printable(graded.reason).c_str();
  } else if (graded.status == GradeStatus::not_gradable) {
    test.append_child("skipped").append_attribute("message") = printable(graded.reason).c_str();
  }
  std::string out = number_text(graded.points) + " of " + number_text(graded.rubric->points) +
                    " points (" + graded.rubric->category + ")\n";
  if (graded.result) {
    for (const std::string& seen : graded.result->observations) out += "seen: " + seen + "\n";
    out += evidence_of(*graded.result);
  }
  test.append_child("system-out").text() = printable(out).c_str();
}

// The counts go on both elements: GitLab reads the suite's, some dashboards only the root's.
void set_counts(pugi::xml_node node, const Grade& grade) {
  int tests = static_cast<int>(grade.scenarios.size()), failures = 0;
  for (const GradedScenario& graded : grade.scenarios)
    failures += graded.status == GradeStatus::failed;
  if (grade.build.attempted) {
    ++tests;
    failures += !grade.build.succeeded;
  }
  node.append_attribute("name") = ("socklab." + grade.lab).c_str();
  node.append_attribute("tests") = tests;
  node.append_attribute("failures") = failures;
  node.append_attribute("errors") = 0;
  node.append_attribute("time") = seconds_text(grade.seconds).c_str();
}

}  // namespace

void write_junit(const Grade& grade, const std::filesystem::path& file) {
  pugi::xml_document document;
  pugi::xml_node suites = document.append_child("testsuites");
  pugi::xml_node suite = suites.append_child("testsuite");
  set_counts(suites, grade);
  set_counts(suite, grade);
  int skipped = 0;
  for (const GradedScenario& graded : grade.scenarios) {
    skipped += graded.status == GradeStatus::not_gradable;
  }
  suite.append_attribute("skipped") = skipped;
  pugi::xml_node properties = suite.append_child("properties");
  append_property(properties, "mode", grade.mode);
  if (!grade.mode_reason.empty()) append_property(properties, "mode_reason", grade.mode_reason);
  append_property(properties, "points", number_text(grade.points));
  append_property(properties, "max_points", number_text(grade.max_points));
  if (grade.build.attempted) append_build_testcase(grade, suite);
  for (const GradedScenario& graded : grade.scenarios)
    append_scenario_testcase(grade, graded, suite);
  suite.append_child("system-out").text() = printable(summary_text(grade)).c_str();
  if (!document.save_file(file.c_str(), "  "))
    throw std::runtime_error("cannot write " + file.string());
}

}  // namespace socklab::harness::detail
