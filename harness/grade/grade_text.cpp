#include "harness/grade/grade_text.hpp"

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <vector>

#include "harness/engine/lab_manifest.hpp"

namespace socklab::harness::detail {
namespace {

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string text;
  for (const std::string& item : items) text += (text.empty() ? "" : separator) + item;
  return text;
}

std::string without_final_period(std::string text) {
  while (!text.empty() && (text.back() == '.' || text.back() == '\n')) text.pop_back();
  return text;
}

std::string indented(const std::string& text, const std::string& margin) {
  std::string out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) out += margin + line + "\n";
  return out;
}

// A Markdown code block the text cannot close early: its fence outruns any backticks inside.
std::string code_block(const std::string& text) {
  std::size_t longest = 0, run = 0;
  for (char c : text) longest = std::max(longest, run = c == '`' ? run + 1 : 0);
  std::string fence(std::max<std::size_t>(3, longest + 1), '`');
  return fence + "\n" + text + (text.empty() || text.back() == '\n' ? "" : "\n") + fence + "\n";
}

}  // namespace

std::string one_line(std::string text) {
  std::replace(text.begin(), text.end(), '\n', ' ');
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

std::string submitted_files(const Grade& grade) {
  return grade.build.files.empty() ? "your submission" : joined(grade.build.files, ", ");
}

std::string mode_text(const Grade& grade) {
  if (grade.mode_reason.empty()) return "Graded in " + grade.mode + " mode.";
  std::string text =
      "Graded in " + grade.mode + " mode: " + without_final_period(grade.mode_reason) + ".";
  int not_gradable = 0;
  for (const GradedScenario& graded : grade.scenarios)
    not_gradable += graded.status == GradeStatus::not_gradable;
  if (grade.mode == "loopback" && not_gradable > 0) {
    text += " " + std::to_string(not_gradable) +
            " of the lab's scenarios need hosts of their own (netns mode); on loopback they "
            "could not run, so they are marked not gradable here and their points are left out "
            "of the maximum instead of counting as lost.";
  } else if (grade.mode == "loopback") {
    text += " Every scenario of this lab runs on loopback, so the grade is complete.";
  }
  return text;
}

std::string build_text(const Grade& grade) {
  const SubmissionBuild& build = grade.build;
  if (build.succeeded) {
    char seconds[16];
  std::snprintf(seconds, sizeof seconds, "%.1f", build.seconds);
  return "Build: " + submitted_files(grade) + " compiled in " + seconds +
           " s, so every scenario ran against your program.";
  }
  return "Build failed: " + without_final_period(build.problem) +
         ". socklab builds your files before it runs any scenario; as this build failed, no "
         "scenario ran and every one scores 0. Fix the build and submit again.";
}

std::string notes_text(const SubmissionBuild& build, const std::string& margin) {
  if (build.notes.empty()) return "";
  std::string text = margin + "Notes:\n";
  for (const std::string& note : build.notes) text += margin + "- " + note + "\n";
  return text;
}

std::string build_details_text(const SubmissionBuild& build, bool with_compiler_output) {
  std::string text;
  if (!build.command.empty()) text += "Built with: " + build.command + "\n";
  if (with_compiler_output && !build.compiler_output.empty()) {
    text += "The compiler's first lines:\n" + indented(build.compiler_output, "    ");
  }
  return text + notes_text(build, "");
}

std::string build_markdown(const Grade& grade) {
  const SubmissionBuild& build = grade.build;
  std::string text = build_text(grade) + "\n";
  if (!build.compiler_output.empty()) {
    text += "\nThe compiler's first lines:\n\n" + code_block(build.compiler_output);
  }
  if (!build.command.empty()) text += "\nBuilt with:\n\n" + code_block(build.command);
  if (!build.notes.empty()) text += "\n" + notes_text(build, "");
  return text;
}

std::string score_line(const Grade& grade) {
  return number_text(grade.points) + " / " + number_text(grade.max_points) + " points for the " +
         grade.lab + " lab.";
}

std::string categories_text(const Grade& grade) {
  std::string text = "Points by category:\n";
  for (const auto& [name, category] : grade.categories) {
    text += "- " + name + ": " + number_text(category.points) + " / " +
            number_text(category.max_points) + "\n";
  }
  return text;
}

std::string summary_text(const Grade& grade) {
  std::string text = score_line(grade) + "\n" + mode_text(grade) + "\n";
  if (grade.build.attempted)
    text += build_text(grade) + "\n" + build_details_text(grade.build, true);
  return text + categories_text(grade);
}

std::string summary_markdown(const Grade& grade) {
  std::string text = "**" + score_line(grade) + "**\n\n" + mode_text(grade) + "\n\n";
  if (grade.build.attempted) text += build_markdown(grade) + "\n";
  return text + categories_text(grade);
}

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
    if (graded.result) text += "\n\n" + code_block(evidence_of(*graded.result));
  }
  return text;
}

}  // namespace socklab::harness::detail
