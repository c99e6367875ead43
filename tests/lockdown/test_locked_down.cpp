// socklab-locked-down takes away what a locked-down grading container lacks: the program it runs
// holds neither CAP_NET_ADMIN nor CAP_SYS_ADMIN, runs under no_new_privs and a seccomp filter,
// and gets Docker's answers to the namespace calls, while fork() and threads still work.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "tests/lockdown/lockdown_run.hpp"

namespace {

using namespace socklab::testing;

// The fields of a /proc/PID/status file: {"CapEff", "0000003fffffffff"}, {"Seccomp", "2"}.
std::map<std::string, std::string> status_fields(const std::string& status) {
  std::map<std::string, std::string> fields;
  std::istringstream lines(status);
  std::string line;
  while (std::getline(lines, line)) {
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::size_t value = line.find_first_not_of(" \t", colon + 1);
    fields[line.substr(0, colon)] = value == std::string::npos ? "" : line.substr(value);
  }
  return fields;
}

bool holds(const std::string& hex_mask, int capability) {
  return (std::strtoull(hex_mask.c_str(), nullptr, 16) >> capability) & 1ULL;
}

std::string probe_command() {
  return std::filesystem::read_symlink("/proc/self/exe").string() + " " + kProbeFlag;
}

TEST(LockedDown, TheProgramHoldsNeitherNamespaceCapabilityAndRunsUnderAFilter) {
  CommandRun run = run_locked_down("cat /proc/self/status");
  ASSERT_EQ(run.exit_status, 0) << run.output;
  auto fields = status_fields(run.output);
  // An ordinary user's bounding set keeps both (it takes CAP_SETPCAP to shrink it), harmlessly:
  // under no_new_privs no exec can raise a capability from it.
  std::vector<std::string> sets = {"CapInh", "CapPrm", "CapEff", "CapAmb"};
  if (::geteuid() == 0) sets.push_back("CapBnd");
  for (const std::string& set : sets) {
    ASSERT_TRUE(fields.count(set)) << run.output;
    EXPECT_FALSE(holds(fields[set], CAP_NET_ADMIN)) << set << " " << fields[set];
    EXPECT_FALSE(holds(fields[set], CAP_SYS_ADMIN)) << set << " " << fields[set];
  }
  EXPECT_EQ(fields["NoNewPrivs"], "1");
  EXPECT_EQ(fields["Seccomp"], "2");  // mode 2: a filter, as Docker installs
}

TEST(LockedDown, RootKeepsCapNetRawAsDockerDoesUnlessAskedToDropIt) {
  if (::geteuid() != 0) GTEST_SKIP() << "an ordinary user has no CAP_NET_RAW to keep or drop";
  CommandRun kept = run_locked_down("cat /proc/self/status");
  ASSERT_EQ(kept.exit_status, 0) << kept.output;
  EXPECT_TRUE(holds(status_fields(kept.output)["CapEff"], CAP_NET_RAW)) << kept.output;
  CommandRun dropped =
      run_command(bin("socklab-locked-down") + " --drop-net-raw -- cat /proc/self/status");
  ASSERT_EQ(dropped.exit_status, 0) << dropped.output;
  auto fields = status_fields(dropped.output);
  EXPECT_FALSE(holds(fields["CapEff"], CAP_NET_RAW)) << dropped.output;
  EXPECT_FALSE(holds(fields["CapBnd"], CAP_NET_RAW)) << dropped.output;
}

TEST(LockedDown, NamespaceCallsGetDockersAnswersWhileForksAndThreadsStillWork) {
  CommandRun run = run_locked_down(probe_command());
  ASSERT_EQ(run.exit_status, 0) << run.output;
  std::map<std::string, std::string> expected = {{"setns(CLONE_NEWNET)", "EPERM"},
                                                 {"unshare(CLONE_NEWNET)", "EPERM"},
                                                 {"unshare(CLONE_NEWUSER)", "EPERM"},
                                                 {"clone(CLONE_NEWNET)", "EPERM"},
                                                 {"clone(CLONE_NEWUSER)", "EPERM"},
                                                 {"clone3()", "ENOSYS"},
                                                 {"fork()", "ok"},
                                                 {"std::thread", "ok"}};
  EXPECT_EQ(probe_outcomes(run.output), expected) << run.output;
}

TEST(LockedDown, WithoutItTheSameProbeGetsTheKernelsOwnAnswers) {
  CommandRun run = run_command(probe_command());
  ASSERT_EQ(run.exit_status, 0) << run.output;
  auto outcomes = probe_outcomes(run.output);
  EXPECT_EQ(outcomes["setns(CLONE_NEWNET)"], "EBADF") << run.output;  // the bad descriptor
  EXPECT_EQ(outcomes["clone3()"], "ok") << run.output;
  EXPECT_EQ(outcomes["fork()"], "ok") << run.output;
  EXPECT_EQ(outcomes["std::thread"], "ok") << run.output;
}

TEST(LockedDown, UnshareFromUtilLinuxFailsUnderItAndWorksWithoutIt) {
  CommandRun locked = run_locked_down(unshare_command());
  EXPECT_NE(locked.exit_status, 0) << locked.output;
  EXPECT_NE(locked.output.find("Operation not permitted"), std::string::npos) << locked.output;
  CommandRun free = run_command(unshare_command());
  if (free.exit_status != 0)
    GTEST_SKIP() << "this machine refuses namespaces itself: " << free.output;
}

TEST(LockedDown, BadUsageExitsWith2AndPrintsTheUsage) {
  for (const char* arguments : {"", " true", " --", " --keep-everything -- true"}) {
    CommandRun run = run_command(bin("socklab-locked-down") + arguments);
    EXPECT_EQ(run.exit_status, 2) << "arguments:" << arguments << "\n" << run.output;
    EXPECT_NE(run.output.find("usage: socklab-locked-down [--drop-net-raw] -- PROGRAM"),
              std::string::npos)
        << run.output;
  }
}

TEST(LockedDown, TheProgramsExitStatusIsPassedOnAndAMissingOneIs127) {
  EXPECT_EQ(run_locked_down("sh -c 'exit 7'").exit_status, 7);
  CommandRun missing = run_locked_down("/nonexistent/program");
  EXPECT_EQ(missing.exit_status, 127) << missing.output;
  EXPECT_NE(missing.output.find("cannot run /nonexistent/program: ENOENT"), std::string::npos)
      << missing.output;
}

}  // namespace
