// One function per grade format, each in its own file (format_*.cpp), called by write_grade()
// in grade_formats.cpp. The Grade they get has its compiler output already made printable.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/grade/grade.hpp"

namespace socklab::harness::detail {

// Compiler output quotes the student's source, so it can hold any bytes; a grader that meets
// invalid UTF-8 drops the whole file rather than the one line.
constexpr auto kReplaceBadUtf8 = nlohmann::json::error_handler_t::replace;

nlohmann::json own_json(const Grade& grade);           // the "grade" object of report.json
nlohmann::json gradescope_json(const Grade& grade);    // results.json
nlohmann::json prairielearn_json(const Grade& grade);  // PrairieLearn's results
void write_junit(const Grade& grade, const std::filesystem::path& file);  // throws when it cannot
std::string tap_text(const Grade& grade);                                 // TAP version 14
std::string autolab_text(const Grade& grade);  // the feedback, the semantic line, the scores

}  // namespace socklab::harness::detail
