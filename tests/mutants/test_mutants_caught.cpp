// Every harness check can fail: each mutant (a reference with one realistic bug) must be failed
// by the scenario written for that bug, with the expected diagnosis, and graded for it: socklab
// grade, run as a user runs it, takes exactly that scenario's points (or, for a scenario graded
// part by part, exactly the parts the bug breaks) and writes every format, each accepted by its
// consumer.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "tests/grade/schemas/grade_consumers.hpp"
#include "tests/support/command_run.hpp"

namespace {

struct Mutant {
  const char* name;
  const char* lab;
  const char* scenario;
  const char* phrase;  // must appear in the failed scenario's message
  // For a bug that shows on the wire: must appear where the verdict compares the capture with
  // the golden trace of the reference; empty for the others.
  const char* wire_phrase;
  bool another_scenario;  // the same mutant, caught by one more scenario (add_mutant_catch)
};

// Names the mutant in test output instead of dumping the struct's bytes.
void PrintTo(const Mutant& mutant, std::ostream* out) { *out << mutant.name; }

const Mutant kMutants[] = {
#include "mutant_table.inc"
};

// The parts a mutant breaks, where its scenario is graded part by part (lab.toml `parts`); any
// other mutant loses its scenario's points whole.
const std::map<std::string, std::set<std::string>> kLostParts = {
    {"unbounded-output", {"bounded-memory"}},           // memory grows; backpressure, echo intact
    {"drop-when-full", {"bounded-memory", "resumes"}},  // no backpressure, and the echo has holes
    {"blocking-connections", {"others-served"}},        // one blocked send stops everyone
    {"linger-not-set", {"close-blocks"}},               // delivers everything, never blocks
    {"linger-zero-seconds", {"data-and-fin", "close-blocks"}},  // RST at once: data lost
};

class MutantIsCaught : public testing::TestWithParam<Mutant> {};

TEST_P(MutantIsCaught, ByItsScenarioWithTheExpectedDiagnosis) {
  namespace fs = std::filesystem;
  using nlohmann::json;
  const Mutant& mutant = GetParam();
  std::string server = std::string(SOCKLAB_BIN_DIR) + "/mutants/mutant-" + mutant.name;
  fs::path out = fs::temp_directory_path() / ("socklab-mutant-" + std::string(mutant.name) + "-" +
                                              mutant.scenario + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  socklab::testing::CommandRun run = socklab::testing::run_command(
      std::string(SOCKLAB_BIN_DIR) + "/socklab grade " + mutant.lab + " --server " + server +
      " --scenario " + mutant.scenario + " --out " + out.string() +
      " --format json --format gradescope --format junit --format tap --format autolab "
      "--format prairielearn");
  // 0: a failed scenario is a grade. 2 would be a usage or set-up error, a crash no status at all.
  ASSERT_EQ(run.exit_status, 0) << run.output;
  json report = json::parse(socklab::testing::read_text(out / "report.json"), nullptr, false);
  ASSERT_TRUE(report.is_object()) << run.output;
  const auto& scenarios = report["scenarios"];
  ASSERT_EQ(scenarios.size(), 1u) << run.output;
  EXPECT_EQ(scenarios[0]["scenario"], mutant.scenario);
  EXPECT_EQ(scenarios[0]["verdict"], "failed") << run.output;
  std::string message = scenarios[0]["message"];
  EXPECT_NE(message.find(mutant.phrase), std::string::npos)
      << "expected the diagnosis to contain \"" << mutant.phrase << "\"; it was:\n"
      << message;
  if (!std::string(mutant.wire_phrase).empty()) {
    const auto& golden = scenarios[0]["golden"];
    ASSERT_TRUE(golden.is_object()) << "no comparison with the golden trace:\n" << run.output;
    std::string divergence = golden["divergence"];
    EXPECT_NE(divergence.find(mutant.wire_phrase), std::string::npos)
        << "expected the comparison with the golden to contain \"" << mutant.wire_phrase
        << "\"; it was:\n"
        << divergence;
  }

  // The grade: only this scenario counts, and it loses exactly what the bug breaks.
  const json& grade = report["grade"];
  double lost = 0, rubric_points = 0;
  for (const json& entry : grade["scenarios"]) {
    if (entry["scenario"] != mutant.scenario) {
      EXPECT_EQ(entry["max_points"], 0) << entry.dump(2);  // not graded: left out of the maximum
      continue;
    }
    EXPECT_EQ(entry["status"], "failed") << entry.dump(2);
    rubric_points = entry["rubric_points"].get<double>();
    EXPECT_EQ(entry["max_points"].get<double>(), rubric_points) << entry.dump(2);
    auto expected_parts = kLostParts.find(mutant.name);
    if (entry["parts"].empty()) {
      EXPECT_EQ(expected_parts, kLostParts.end()) << mutant.name << " has no parts to lose";
      EXPECT_EQ(entry["points"], 0) << entry.dump(2);
      lost = rubric_points;
      continue;
    }
    ASSERT_NE(expected_parts, kLostParts.end())
        << mutant.scenario << " is graded part by part: name the parts " << mutant.name
        << " loses in kLostParts\n"
        << entry.dump(2);
    std::set<std::string> lost_parts;
    for (const json& part : entry["parts"]) {
      if (part["points"] < part["max_points"]) {
        lost_parts.insert(part["name"].get<std::string>());
        lost += part["max_points"].get<double>();
      }
    }
    EXPECT_EQ(lost_parts, expected_parts->second) << entry.dump(2);
  }
  EXPECT_GT(lost, 0);
  EXPECT_EQ(grade["max_points"].get<double>(), rubric_points);
  EXPECT_EQ(grade["points"].get<double>(), rubric_points - lost) << grade.dump(2);
  json gradescope = json::parse(socklab::testing::read_text(out / "results.json"), nullptr, false);
  EXPECT_EQ(gradescope["score"].get<double>(), rubric_points - lost) << gradescope.dump(2);

  using socklab::testing::ConsumerVerdict;
  for (const auto& [schema, file] :
       std::map<std::string, std::string>{{"gradescope-results.schema.json", "results.json"},
                                          {"prairielearn-results.schema.json", "prairielearn.json"},
                                          {"socklab-grade.schema.json", "report.json"}}) {
    ConsumerVerdict verdict = socklab::testing::json_schema_verdict(schema, out / file);
    EXPECT_EQ(verdict.exit_status, 0) << file << ": " << verdict.output;
  }
  ConsumerVerdict junit = socklab::testing::junit_schema_verdict(out / "junit.xml");
  EXPECT_EQ(junit.exit_status, 0) << junit.output;
  ConsumerVerdict autolab = socklab::testing::autolab_verdict(out / "autolab.txt");
  EXPECT_EQ(autolab.exit_status, 0) << autolab.output;
  ConsumerVerdict tap = socklab::testing::prove_verdict(out / "results.tap");
  EXPECT_NE(tap.exit_status, 0) << tap.output;  // the scenario failed: prove says not ok
  EXPECT_EQ(tap.output.find("Parse errors"), std::string::npos) << tap.output;
  if (!HasFailure()) fs::remove_all(out);
}

INSTANTIATE_TEST_SUITE_P(Mutants, MutantIsCaught, testing::ValuesIn(kMutants),
                         [](const testing::TestParamInfo<Mutant>& param) {
                           std::string name = param.param.name;
                           if (param.param.another_scenario)
                             name += std::string("_also_in_") + param.param.scenario;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace
