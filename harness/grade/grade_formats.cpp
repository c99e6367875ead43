// Which file each grade format goes to and which writer makes it; the writers are a file each
// (format_*.cpp), and the text they share is in grade_text.cpp.
#include "harness/grade/grade_formats.hpp"

#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_format_writers.hpp"
#include "harness/grade/grade_text.hpp"
#include "harness/grade/printable_text.hpp"

namespace socklab::harness {
namespace {

using nlohmann::json;

void write_text(const std::filesystem::path& file, const std::string& text) {
  std::ofstream out(file);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

void write_json(const std::filesystem::path& file, const json& value) {
  write_text(file, value.dump(2, ' ', false, detail::kReplaceBadUtf8) + "\n");
}

}  // namespace

std::string grade_table(const Grade& grade) {
  std::string text = "\n" + detail::mode_text(grade) + "\n";
  if (grade.build.attempted) {
    // The compiler's lines were printed as the build finished; the files hold them too.
    text += detail::build_text(grade) + "\n" + detail::notes_text(grade.build, "  ");
  }
  text += "\n" + std::string("scenario                         points  category") + "\n";
  for (const GradedScenario& graded : grade.scenarios) {
    char line[160];
    std::snprintf(line, sizeof line, "%-32s %3s/%-3s %s%s\n", graded.rubric->scenario.c_str(),
                  number_text(graded.points).c_str(),
                  number_text(graded.max_points).c_str(), graded.rubric->category.c_str(),
                  graded.status == GradeStatus::not_gradable ? "  (not gradable here)" : "");
    text += line;
  }
  for (const GradedScenario& graded : grade.scenarios) {
    if (graded.status != GradeStatus::failed) continue;
    text += "\n-" + number_text(graded.max_points - graded.points) + " " +
            graded.rubric->scenario + ": " + graded.reason + "\n";
  }
  text += "\n" + detail::score_line(grade) + "\n" + detail::categories_text(grade);
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

void write_grade(const std::string& format, const Grade& unsafe_grade,
                 const std::filesystem::path& file) {
  Grade grade = unsafe_grade;
  grade.build.compiler_output = detail::printable(grade.build.compiler_output);
  if (format == "json") {
    json report = json::object();
    if (std::ifstream existing(file); existing) report = json::parse(existing, nullptr, false);
    if (!report.is_object()) report = json::object();
    report["grade"] = detail::own_json(grade);
    return write_json(file, report);
  }
  if (format == "gradescope") return write_json(file, detail::gradescope_json(grade));
  if (format == "prairielearn") return write_json(file, detail::prairielearn_json(grade));
  if (format == "junit") return detail::write_junit(grade, file);
  if (format == "tap") return write_text(file, detail::tap_text(grade));
  if (format == "autolab") return write_text(file, detail::autolab_text(grade));
  throw std::invalid_argument("no grade format named '" + format + "'");
}

}  // namespace socklab::harness
