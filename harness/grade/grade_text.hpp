// The text every grade format shares: numbers, the score line, the mode, the build in sentences
// and in Markdown, a scenario as a student reads it. Each format arranges these pieces its own
// way (grade_format_writers.hpp); the sentences themselves are written once, here.
#pragma once

#include <string>

#include "harness/engine/number_text.hpp"
#include "harness/grade/grade.hpp"

namespace socklab::harness::detail {

// One line: a directive or a description that spans lines would end the test line early.
std::string one_line(std::string text);

std::string title_of(const GradedScenario& graded);  // "scenario: purpose"
// Where the evidence is: the capture and the server's stderr, a line each.
std::string evidence_of(const ScenarioResult& result);
// The files a student hands in for the lab, as its manifest names them: "server.cpp".
std::string submitted_files(const Grade& grade);

// Which mode graded the run and, when socklab chose it itself, why and what that costs.
std::string mode_text(const Grade& grade);
// The build in sentences, for every format: what was expected, what happened, what it means.
std::string build_text(const Grade& grade);
// The build's notes as a list, each line after `margin`; "" when there are none.
std::string notes_text(const SubmissionBuild& build, const std::string& margin);
// The build's details in plain text, after build_text(): the command, the compiler's lines
// (left out where a format shows them elsewhere, as JUnit's failure body does), the notes.
std::string build_details_text(const SubmissionBuild& build, bool with_compiler_output);
// The build as a student reads it in Markdown: the sentences, the compiler's lines, the notes.
std::string build_markdown(const Grade& grade);

std::string score_line(const Grade& grade);       // "8 / 10 points for the close lab."
std::string categories_text(const Grade& grade);  // "Points by category:" and a line each
// The top of every format, in plain text: score, mode, the build and its details, categories.
std::string summary_text(const Grade& grade);
std::string summary_markdown(const Grade& grade);  // the same, in Markdown
// What a student reads under one test, in Markdown.
std::string markdown_of(const GradedScenario& graded);

}  // namespace socklab::harness::detail
