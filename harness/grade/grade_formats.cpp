#include "harness/grade/grade_formats.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <stdexcept>

namespace socklab::harness {
namespace {

using nlohmann::json;

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string title_of(const GradedScenario& graded) {
  std::string title = graded.rubric->scenario;
  if (graded.result && !graded.result->purpose.empty()) title += ": " + graded.result->purpose;
  return title;
}

std::string evidence_of(const ScenarioResult& result) {
  std::string text;
  if (!result.pcap.empty()) text += "capture: " + result.pcap.string() + "\n";
  if (!result.stderr_log.empty()) text += "server stderr: " + result.stderr_log.string() + "\n";
  return text;
}

// What a student reads under one test, in Markdown.
std::string markdown_of(const GradedScenario& graded) {
  std::string text;
  if (graded.result && graded.result->checkpoint > 0) {
    text += "Checkpoint " + std::to_string(graded.result->checkpoint) + ", step " +
            std::to_string(graded.result->step) + " of `" + graded.result->handout + "`.\n\n";
  }
  if (graded.status == GradeStatus::passed) {
    text += "Passed.";
  } else if (graded.status == GradeStatus::not_gradable) {
    text += "Not gradable here: " + graded.reason + ". Its points are left out of the maximum.";
  } else {
    text += graded.reason;
    if (graded.result) text += "\n\n```\n" + evidence_of(*graded.result) + "```";
  }
  return text;
}

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string summary_markdown(const Grade& grade) {
  std::string text = "**" + number_text(grade.points) + " / " + number_text(grade.max_points) +
                     "** points for the " + grade.lab + " lab (" + grade.mode + " mode).\n";
  for (const auto& [name, category] : grade.categories) {
    text += "- " + name + ": " + number_text(category.points) + " / " +
            number_text(category.max_points) + "\n";
  }
  return text;
}

json own_json(const Grade& grade) {
  json scenarios = json::array();
  for (const GradedScenario& graded : grade.scenarios) {
    scenarios.push_back({{"scenario", graded.rubric->scenario},
                         {"category", graded.rubric->category},
                         {"visibility", graded.rubric->visibility},
                         {"status", grade_status_name(graded.status)},
                         {"points", graded.points},
                         {"max_points", graded.max_points},
                         {"rubric_points", graded.rubric->points},
                         {"reason", graded.reason}});
  }
  json categories = json::object();
  for (const auto& [name, category] : grade.categories) {
    categories[name] = {{"points", category.points}, {"max_points", category.max_points}};
  }
  return {{"socklab_grade_version", 1}, {"lab", grade.lab},       {"mode", grade.mode},
          {"seconds", grade.seconds},   {"points", grade.points}, {"max_points", grade.max_points},
          {"categories", categories},   {"scenarios", scenarios}};
}

// Gradescope's autograder results (results.json): per test name, number, score, max_score,
// status, output in Markdown, visibility, tags; at the top score, execution_time, output.
json gradescope_json(const Grade& grade) {
  json tests = json::array();
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
          {"tests", tests}};
}

json prairielearn_json(const Grade& grade) {
  json tests = json::array();
  for (const GradedScenario& graded : grade.scenarios) {
    tests.push_back({{"name", title_of(graded)},
                     {"points", graded.points},
                     {"max_points", graded.max_points},
                     {"message", graded.status == GradeStatus::passed ? "passed" : graded.reason},
                     {"output", markdown_of(graded)}});
  }
  double score = grade.max_points > 0 ? grade.points / grade.max_points : 0;
  return {
      {"gradable", true}, {"score", score}, {"message", summary_markdown(grade)}, {"tests", tests}};
}

// JUnit: a testsuite per lab, a testcase per scenario, the failure's message and body, and
// system-out inside the testcase, where GitLab and the GitHub reporters look for it.
void write_junit(const Grade& grade, const std::filesystem::path& file) {
  pugi::xml_document document;
  pugi::xml_node suites = document.append_child("testsuites");
  pugi::xml_node suite = suites.append_child("testsuite");
  int failures = 0, skipped = 0;
  for (const GradedScenario& graded : grade.scenarios) {
    failures += graded.status == GradeStatus::failed;
    skipped += graded.status == GradeStatus::not_gradable;
  }
  suite.append_attribute("name") = ("socklab." + grade.lab).c_str();
  suite.append_attribute("tests") = static_cast<int>(grade.scenarios.size());
  suite.append_attribute("failures") = failures;
  suite.append_attribute("errors") = 0;
  suite.append_attribute("skipped") = skipped;
  suite.append_attribute("time") = grade.seconds;
  for (const GradedScenario& graded : grade.scenarios) {
    pugi::xml_node test = suite.append_child("testcase");
    std::string classname = grade.lab;
    if (graded.result && graded.result->checkpoint > 0) {
      classname += ".checkpoint" + std::to_string(graded.result->checkpoint);
    }
    test.append_attribute("classname") = classname.c_str();
    test.append_attribute("name") = graded.rubric->scenario.c_str();
    test.append_attribute("time") = graded.result ? graded.result->seconds : 0.0;
    if (graded.status == GradeStatus::failed) {
      pugi::xml_node failure = test.append_child("failure");
      std::string message = graded.result && !graded.result->finding.expected.empty()
                                ? "expected " + graded.result->finding.expected
                                : graded.reason;
      failure.append_attribute("message") = message.c_str();
      failure.append_attribute("type") = graded.rubric->category.c_str();
      failure.text() = graded.reason.c_str();
    } else if (graded.status == GradeStatus::not_gradable) {
      test.append_child("skipped").append_attribute("message") = graded.reason.c_str();
    }
    std::string out = number_text(graded.points) + " of " + number_text(graded.rubric->points) +
                      " points (" + graded.rubric->category + ")\n";
    if (graded.result) {
      for (const std::string& seen : graded.result->observations) out += "seen: " + seen + "\n";
      out += evidence_of(*graded.result);
    }
    test.append_child("system-out").text() = out.c_str();
  }
  if (!document.save_file(file.c_str(), "  "))
    throw std::runtime_error("cannot write " + file.string());
}

// TAP version 14: the plan, ok / not ok per scenario, YAML diagnostics for a failure (JSON
// strings are valid YAML scalars, so every value is quoted that way), # SKIP with the reason.
std::string tap_text(const Grade& grade) {
  std::ostringstream out;
  out << "TAP version 14\n1.." << grade.scenarios.size() << "\n";
  int number = 0;
  for (const GradedScenario& graded : grade.scenarios) {
    ++number;
    bool ok = graded.status != GradeStatus::failed;
    out << (ok ? "ok " : "not ok ") << number << " - " << graded.rubric->scenario;
    if (graded.status == GradeStatus::not_gradable) out << " # SKIP " << graded.reason;
    out << "\n";
    if (graded.status != GradeStatus::failed) continue;
    out << "  ---\n";
    out << "  message: " << json(graded.reason).dump() << "\n";
    out << "  severity: fail\n";
    if (graded.result && graded.result->verdict == Verdict::failed) {
      out << "  expected: " << json(graded.result->finding.expected).dump() << "\n";
      out << "  actual: " << json(graded.result->finding.happened).dump() << "\n";
    }
    out << "  points: " << json(graded.points).dump() << "\n";
    out << "  max_points: " << json(graded.max_points).dump() << "\n";
    out << "  ...\n";
  }
  return out.str();
}

// Autolab reads the last line of the output, {"scores": {...}}, keyed by rubric category.
std::string autolab_text(const Grade& grade) {
  std::string text = summary_markdown(grade);
  for (const GradedScenario& graded : grade.scenarios) {
    text += std::string(graded.status == GradeStatus::passed ? "PASS " : "FAIL ") +
            graded.rubric->scenario + " (" + number_text(graded.points) + "/" +
            number_text(graded.max_points) + ")";
    if (graded.status != GradeStatus::passed) text += ": " + graded.reason;
    text += "\n";
  }
  json scores = json::object();
  for (const auto& [name, category] : grade.categories) scores[name] = category.points;
  return text + json{{"scores", scores}}.dump() + "\n";
}

}  // namespace

std::string grade_table(const Grade& grade) {
  std::string text = "\n" + std::string("scenario                         points  category") + "\n";
  for (const GradedScenario& graded : grade.scenarios) {
    char line[160];
    std::snprintf(line, sizeof line, "%-32s %3s/%-3s %s%s\n", graded.rubric->scenario.c_str(),
                  number_text(graded.points).c_str(), number_text(graded.max_points).c_str(),
                  graded.rubric->category.c_str(),
                  graded.status == GradeStatus::not_gradable ? "  (not gradable here)" : "");
    text += line;
  }
  for (const GradedScenario& graded : grade.scenarios) {
    if (graded.status != GradeStatus::failed) continue;
    text += "\n-" + number_text(graded.rubric->points) + " " + graded.rubric->scenario + ": " +
            graded.reason + "\n";
  }
  text += "\n" + summary_markdown(grade);
  return text;
}

const std::vector<std::string>& grade_format_names() {
  static const std::vector<std::string> names = {"json", "gradescope", "junit",
                                                 "tap",  "autolab",    "prairielearn"};
  return names;
}

std::string grade_format_file(const std::string& format) {
  static const std::map<std::string, std::string> files = {
      {"json", "report.json"},    {"gradescope", "results.json"},
      {"junit", "junit.xml"},     {"tap", "results.tap"},
      {"autolab", "autolab.txt"}, {"prairielearn", "prairielearn.json"}};
  auto found = files.find(format);
  if (found == files.end()) throw std::invalid_argument("no grade format named '" + format + "'");
  return found->second;
}

void write_grade(const std::string& format, const Grade& grade, const std::filesystem::path& file) {
  if (format == "json") {
    json report = json::object();
    if (std::ifstream existing(file); existing) report = json::parse(existing, nullptr, false);
    if (!report.is_object()) report = json::object();
    report["grade"] = own_json(grade);
    return write_text(file, report.dump(2) + "\n");
  }
  if (format == "gradescope") return write_text(file, gradescope_json(grade).dump(2) + "\n");
  if (format == "prairielearn") return write_text(file, prairielearn_json(grade).dump(2) + "\n");
  if (format == "junit") return write_junit(grade, file);
  if (format == "tap") return write_text(file, tap_text(grade));
  if (format == "autolab") return write_text(file, autolab_text(grade));
  throw std::invalid_argument("no grade format named '" + format + "'");
}

}  // namespace socklab::harness
