// How often a process went to sleep (voluntary context switches, summed over its threads): the
// figure `socklab bench peers` uses to show that a client pays for waking a server that sleeps.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "harness/process/thread_ids.hpp"
#include "harness/process/voluntary_switches.hpp"

namespace socklab::harness::detail {
namespace {

// The end of a real /proc/PID/status (Linux 6.18).
constexpr const char* kStatusTail =
    "Name:\tredis-server\nThreads:\t5\n"
    "Cpus_allowed_list:\t0\nMems_allowed_list:\t0\n"
    "voluntary_ctxt_switches:\t138204\nnonvoluntary_ctxt_switches:\t5512\n";

TEST(VoluntarySwitches, ReadsTheVoluntaryLineNotTheNonvoluntaryOne) {
  EXPECT_EQ(parse_voluntary_switches(kStatusTail), 138204u);
}

TEST(VoluntarySwitches, AStatusWithoutTheLineHasNoFigure) {
  EXPECT_EQ(parse_voluntary_switches("Name:\tx\nnonvoluntary_ctxt_switches:\t7\n"), std::nullopt);
  EXPECT_EQ(parse_voluntary_switches("Name:\tx\nvoluntary_ctxt_switches:\tmany\n"), std::nullopt);
  EXPECT_EQ(parse_voluntary_switches(""), std::nullopt);
}

TEST(VoluntarySwitches, EverySleepOfEveryThreadIsCounted) {
  const auto before = voluntary_switches(::getpid());
  ASSERT_TRUE(before);
  // A second thread that blocks 50 times: each sleep is one voluntary switch of that thread,
  // which only a sum over /proc/PID/task sees (the process's own status shows the main thread).
  std::thread sleeper([] {
    for (int i = 0; i < 50; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  // Read while the sleeper still lives: a thread that has ended takes its count with it.
  std::this_thread::sleep_for(std::chrono::milliseconds(40));
  const auto during = voluntary_switches(::getpid());
  sleeper.join();
  ASSERT_TRUE(during);
  EXPECT_GE(*during - *before, 20u)
      << "a thread slept about 40 times; the sum grew by " << (*during - *before);
}

TEST(VoluntarySwitches, AProcessThatIsGoneHasNoFigure) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_EQ(voluntary_switches(child), std::nullopt);
  EXPECT_EQ(thread_ids(child), std::nullopt);
}

TEST(ThreadIds, ListsEveryThreadOfThisProcess) {
  std::thread other([] { std::this_thread::sleep_for(std::chrono::milliseconds(200)); });
  const auto ids = thread_ids(::getpid());
  other.join();
  ASSERT_TRUE(ids);
  EXPECT_GE(ids->size(), 2u);
}

}  // namespace
}  // namespace socklab::harness::detail
