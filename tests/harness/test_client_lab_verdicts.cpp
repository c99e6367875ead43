// A client lab's program is judged by its lines and its exit, and every way of breaking that
// contract gets its own verdict: no line, a malformed line, a crash, a wrong exit status, a
// client that never finishes, a program that does not exist. socklab runs as users run it.
#include <gtest/gtest.h>

#include <string>

#include "tests/harness/socklab_run.hpp"

namespace {

std::string fake_client() { return SOCKLAB_FAKE_CLIENT; }

// `socklab check nbconnect --scenario refused` against the fake client in `mode`.
socklab::testing::SocklabRun check_refused_with(const std::string& mode) {
  return socklab::testing::run_socklab(
      "nbconnect --server " + fake_client() + " --scenario refused -- --mode " + mode,
      "client-" + mode);
}

std::string message_of(const socklab::testing::SocklabRun& run) {
  if (!run.report.is_object() || run.report["scenarios"].size() != 1) return "";
  return run.report["scenarios"][0]["message"];
}

void expect_failed_with(const socklab::testing::SocklabRun& run, const std::string& phrase) {
  EXPECT_EQ(run.exit_status, 1) << run.output;
  EXPECT_NE(message_of(run).find(phrase), std::string::npos)
      << "expected \"" << phrase << "\" in the verdict:\n"
      << run.output;
}

TEST(ClientLabVerdicts, AClientThatPrintsNothingHasNoLineForItsTarget) {
  expect_failed_with(check_refused_with("silent"), "with no line for 198.18.0.1:");
}

TEST(ClientLabVerdicts, AMalformedLineIsQuotedWithTheFormatExpected) {
  expect_failed_with(check_refused_with("malformed"),
                     "printed 'connecting to everything, please wait'");
}

TEST(ClientLabVerdicts, ACrashIsReportedWithItsSignal) {
  expect_failed_with(check_refused_with("crash"), "SIGABRT");
}

TEST(ClientLabVerdicts, ANonZeroExitAfterEveryLineIsItsOwnVerdict) {
  expect_failed_with(check_refused_with("exit-3"), "printed every line but exited with status 3");
}

TEST(ClientLabVerdicts, AClientThatNeverFinishesIsStoppedAtTheTimeLimit) {
  expect_failed_with(check_refused_with("hang"), "was still running after 4500 ms");
}

// ForkWatch: past 256 processes the whole tree is killed, and the verdict names the bomb.
TEST(ClientLabVerdicts, AForkBombIsKilledAndNamed) {
  expect_failed_with(check_refused_with("fork-bomb"), "A fork bomb");
}

TEST(ClientLabVerdicts, AMissingProgramIsAUsageErrorThatSaysSo) {
  socklab::testing::SocklabRun run =
      socklab::testing::run_socklab("nbconnect --server /nonexistent/client", "client-missing");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("/nonexistent/client does not exist"), std::string::npos) << run.output;
}

}  // namespace
