// Every harness check can fail: each mutant (a reference with one realistic bug) must be failed
// by the scenario written for that bug, with the expected diagnosis. socklab runs as a separate
// process, exactly as a user runs it.
#include <gtest/gtest.h>

#include <string>

#include "tests/harness/socklab_run.hpp"

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

class MutantIsCaught : public testing::TestWithParam<Mutant> {};

TEST_P(MutantIsCaught, ByItsScenarioWithTheExpectedDiagnosis) {
  const Mutant& mutant = GetParam();
  std::string server = std::string(SOCKLAB_BIN_DIR) + "/mutants/mutant-" + mutant.name;
  socklab::testing::SocklabRun run = socklab::testing::run_socklab(
      std::string(mutant.lab) + " --server " + server + " --scenario " + mutant.scenario,
      mutant.name);
  // 1: a scenario failed. 2 would be a usage or set-up error, and a crash no status at all.
  ASSERT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  const auto& scenarios = run.report["scenarios"];
  ASSERT_EQ(scenarios.size(), 1u) << run.output;
  EXPECT_EQ(scenarios[0]["scenario"], mutant.scenario);
  EXPECT_EQ(scenarios[0]["verdict"], "failed") << run.output;
  std::string message = scenarios[0]["message"];
  EXPECT_NE(message.find(mutant.phrase), std::string::npos)
      << "expected the diagnosis to contain \"" << mutant.phrase << "\"; it was:\n"
      << message;
  if (std::string(mutant.wire_phrase).empty()) return;
  const auto& golden = scenarios[0]["golden"];
  ASSERT_TRUE(golden.is_object()) << "no comparison with the golden trace:\n" << run.output;
  std::string divergence = golden["divergence"];
  EXPECT_NE(divergence.find(mutant.wire_phrase), std::string::npos)
      << "expected the comparison with the golden to contain \"" << mutant.wire_phrase
      << "\"; it was:\n"
      << divergence;
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
