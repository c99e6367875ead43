// The formats graders read, each written from one Grade: socklab's own JSON, Gradescope's
// results.json, JUnit XML, TAP 14, Autolab's scores line, PrairieLearn's results.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "harness/grade/grade.hpp"

namespace socklab::harness {

// "json", "gradescope", "junit", "tap", "autolab", "prairielearn".
const std::vector<std::string>& grade_format_names();
// The file each format is written to inside the output folder (DESIGN.md, the grading contract).
std::string grade_format_file(const std::string& format);
// Writes `format` for `grade` to `file`; throws std::runtime_error when it cannot. "json" adds
// the grade to the run's own report.json (`file`), which holds every verdict in full.
void write_grade(const std::string& format, const Grade& grade, const std::filesystem::path& file);

// The score table a grader reads in the terminal: a line per scenario with its points, then
// the reason for every point lost, then the totals per category.
std::string grade_table(const Grade& grade);

}  // namespace socklab::harness
