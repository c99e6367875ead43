// The programs that read socklab grade's files back, as the graders' own tools would: a JSON
// Schema validator (python3-jsonschema) for results.json, prairielearn.json, report.json and
// Autolab's last two lines, xmllint against junit.xsd, and Perl's TAP::Parser (prove) for TAP.
// A consumer that is missing fails the check with the Debian package to install; it is never a
// silent pass. SOCKLAB_GRADE_SCHEMAS is this folder, set by tests/grade/CMakeLists.txt.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command_run.hpp"

namespace socklab::testing {

struct ConsumerVerdict {
  int exit_status = -1;  // 0: the consumer accepted the file
  std::string output;    // what it said, for the assertion message
};

inline std::string grade_schema(const std::string& name) {
  return std::string(SOCKLAB_GRADE_SCHEMAS) + "/" + name;
}

inline std::string text_of(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The shell says 127 when it cannot find the program: name the package that brings it.
inline ConsumerVerdict run_consumer(const std::string& command, const std::string& package) {
  socklab::testing::CommandRun run = socklab::testing::run_command(command);
  ConsumerVerdict verdict{run.exit_status, run.output};
  if (verdict.exit_status == 127) {
    verdict.output += "\nnot installed: " + package + " (scripts/install-deps installs it)";
  }
  return verdict;
}

// 0 valid, 1 invalid (each error printed), 2 could not check (validate_json.py says why).
inline ConsumerVerdict json_schema_verdict(const std::string& schema,
                                           const std::filesystem::path& file) {
  return run_consumer("python3 " + grade_schema("validate_json.py") + " " + grade_schema(schema) +
                          " " + file.string(),
                      "python3-jsonschema");
}

// xmllint: 0 valid, 3 not valid against the schema, 4 the schema itself does not load.
inline ConsumerVerdict junit_schema_verdict(const std::filesystem::path& file) {
  return run_consumer("xmllint --noout --schema " + grade_schema("junit.xsd") + " " + file.string(),
                      "libxml2-utils");
}

// prove: 0 when every test is ok and the plan holds. Debian 12's TAP::Parser (3.44) knows TAP up
// to version 13 and refuses the version 14 line; everything after it is version 13 syntax (plan,
// ok / not ok, YAML diagnostics, SKIP), so that line is read as 13.
inline ConsumerVerdict prove_verdict(const std::filesystem::path& tap) {
  std::filesystem::path as_13 = tap.string() + ".13";
  std::string text = text_of(tap);
  const std::string version_14 = "TAP version 14";
  if (text.rfind(version_14, 0) == 0) text.replace(0, version_14.size(), "TAP version 13");
  std::ofstream(as_13) << text;
  return run_consumer("prove -e cat " + as_13.string(), "perl (prove)");
}

// Autolab takes the last line as the scores and the line before it as the semantic feedback
// (assessments_controller.rb: lines[lines.length - 2] of the stripped output), so both are
// checked together as the array [feedback, scores]; then every stage it lists must be there.
inline ConsumerVerdict autolab_verdict(const std::filesystem::path& autolab) {
  std::vector<std::string> lines;
  std::istringstream text(text_of(autolab));
  for (std::string line; std::getline(text, line);) lines.push_back(line);
  while (!lines.empty() && lines.back().find_first_not_of(" \t\r") == std::string::npos)
    lines.pop_back();
  if (lines.size() < 2) return {1, autolab.string() + ": fewer than two lines"};
  std::filesystem::path pair = autolab.string() + ".last-two-lines.json";
  std::ofstream(pair) << "[" << lines[lines.size() - 2] << ",\n" << lines.back() << "]\n";
  ConsumerVerdict verdict = json_schema_verdict("autolab-feedback.schema.json", pair);
  nlohmann::json feedback = nlohmann::json::parse(lines[lines.size() - 2], nullptr, false);
  if (verdict.exit_status != 0 || !feedback.contains("stages")) return verdict;
  for (const nlohmann::json& stage : feedback["stages"]) {
    if (!feedback.contains(stage.get<std::string>())) {
      verdict.exit_status = 1;
      verdict.output += "stage " + stage.dump() + " is listed but has no entry\n";
    }
  }
  return verdict;
}

}  // namespace socklab::testing
