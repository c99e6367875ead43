// Every harness check can fail: each mutant (a reference with one realistic bug) must be failed
// by the scenario written for that bug, with the expected diagnosis, and the references must
// pass every scenario. socklab runs as a separate process, exactly as a user runs it.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Mutant {
  const char* name;
  const char* lab;
  const char* scenario;
  const char* phrase;  // must appear in the failed scenario's message
};

// Names the mutant in test output instead of dumping the struct's bytes.
void PrintTo(const Mutant& mutant, std::ostream* out) { *out << mutant.name; }

const Mutant kMutants[] = {
#include "mutant_table.inc"
};

struct SocklabRun {
  int exit_status = -1;
  nlohmann::json report;
  std::string output;
};

// Runs build/bin/socklab with `arguments`; its report lands in a fresh folder.
SocklabRun run_socklab(const std::string& arguments, const std::string& tag) {
  fs::path out = fs::temp_directory_path() / ("socklab-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  std::string command = std::string(SOCKLAB_BIN_DIR) + "/socklab check " + arguments + " --out " +
                        out.string() + " 2>&1";
  SocklabRun run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  int status = ::pclose(pipe);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream report(out / "report.json");
  if (report) run.report = nlohmann::json::parse(report, nullptr, false);
  fs::remove_all(out);
  return run;
}

class MutantIsCaught : public testing::TestWithParam<Mutant> {};

TEST_P(MutantIsCaught, ByItsScenarioWithTheExpectedDiagnosis) {
  const Mutant& mutant = GetParam();
  std::string server = std::string(SOCKLAB_BIN_DIR) + "/mutants/mutant-" + mutant.name;
  SocklabRun run = run_socklab(std::string(mutant.lab) + " --server " + server + " --scenario " +
                                   mutant.scenario, mutant.name);
  // 1: a scenario failed. 2 would be a usage or set-up error, and a crash no status at all.
  ASSERT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  const auto& scenarios = run.report["scenarios"];
  ASSERT_EQ(scenarios.size(), 1u) << run.output;
  EXPECT_EQ(scenarios[0]["scenario"], mutant.scenario);
  EXPECT_EQ(scenarios[0]["verdict"], "failed") << run.output;
  std::string message = scenarios[0]["message"];
  EXPECT_NE(message.find(mutant.phrase), std::string::npos)
      << "expected the diagnosis to contain \"" << mutant.phrase << "\"; it was:\n" << message;
}

INSTANTIATE_TEST_SUITE_P(Mutants, MutantIsCaught, testing::ValuesIn(kMutants),
                         [](const testing::TestParamInfo<Mutant>& param) {
                           std::string name = param.param.name;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

class ReferencePasses : public testing::TestWithParam<const char*> {};

TEST_P(ReferencePasses, EveryScenarioOfItsLab) {
  SocklabRun run = run_socklab(std::string(GetParam()) + " -j 2", GetParam());
  EXPECT_EQ(run.exit_status, 0) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(run.report["summary"]["failed"], 0) << run.output;
  EXPECT_EQ(run.report["summary"]["errors"], 0) << run.output;
  EXPECT_GT(run.report["summary"]["passed"], 0) << run.output;
}

INSTANTIATE_TEST_SUITE_P(References, ReferencePasses,
                         testing::Values("blocking", "select", "poll", "epoll-lt", "epoll-et"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace
