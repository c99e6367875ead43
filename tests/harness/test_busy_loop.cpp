// The busy-loop check: CPU time over half of the period, or a thread that never slept and took
// its share of a loaded machine (schedstat). Unit tests of the rule and of the schedstat reader;
// tests/mutants/test_busy_loop_under_load.cpp runs the real mutant on a saturated machine.
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "harness/engine/process_checks.hpp"
#include "harness/process/thread_run_times.hpp"

namespace socklab::harness {
namespace {

using detail::BusiestThread;
using detail::RunTimes;

constexpr unsigned long long kMs = 1'000'000;  // nanoseconds

CpuUse use_of(double cpu, double wall, std::optional<RunTimes> thread = std::nullopt) {
  CpuUse use{cpu, wall, std::nullopt};
  if (thread) use.busiest_thread = BusiestThread{1234, *thread};
  return use;
}

TEST(BusyLoop, ASpinnerWithACoreToSpareIsCaughtByItsCpuTime) {
  auto finding = busy_loop(use_of(0.79, 0.80, RunTimes{790 * kMs, 3 * kMs}), "while waiting");
  ASSERT_TRUE(finding);
  EXPECT_NE(finding->happened.find("used 0.79 s of CPU in 0.80 s while waiting"), std::string::npos)
      << finding->happened;
  EXPECT_NE(finding->meaning.find("A busy loop"), std::string::npos);
}

TEST(BusyLoop, AStarvedSpinnerIsCaughtBecauseItNeverSlept) {
  // Measured: lt-always-epollout beside 6 spinning sessions on 2 cores got 0.24 s of CPU in
  // 0.87 s, under half a core, and was runnable for all 0.87 s.
  auto finding = busy_loop(use_of(0.24, 0.87, RunTimes{240 * kMs, 634 * kMs}), "while waiting");
  ASSERT_TRUE(finding);
  EXPECT_NE(finding->happened.find("never slept in 0.87 s while waiting"), std::string::npos)
      << finding->happened;
  EXPECT_NE(finding->happened.find("ran for 0.24 s"), std::string::npos) << finding->happened;
}

TEST(BusyLoop, ASpinnerGettingATwentiethOfACoreIsStillCaught) {
  // Measured beside 20 spinning sessions on 2 cores: 0.109 s on a CPU in 1.14 s, all runnable.
  EXPECT_TRUE(busy_loop(use_of(0.10, 1.14, RunTimes{109 * kMs, 1029 * kMs}), "while waiting"));
}

TEST(BusyLoop, ACorrectServerPassesQuietOrLoaded) {
  // Measured, the five references in slow-sender: runnable 12 to 58 ms of 0.8 to 1.1 s, on a
  // CPU 5 to 15 ms, with and without 20 competing sessions.
  EXPECT_FALSE(busy_loop(use_of(0.01, 0.81, RunTimes{13 * kMs, 5 * kMs}), "while waiting"));
  EXPECT_FALSE(busy_loop(use_of(0.01, 1.02, RunTimes{7 * kMs, 51 * kMs}), "while waiting"));
}

TEST(BusyLoop, ACorrectServerStarvedIntoAlwaysRunnableStillPasses) {
  // So loaded that events queue faster than it is scheduled: runnable throughout, but its CPU
  // time is what the events need, far under a spinner's share.
  EXPECT_FALSE(busy_loop(use_of(0.02, 1.0, RunTimes{20 * kMs, 980 * kMs}), "while waiting"));
}

TEST(BusyLoop, WithoutSchedstatOnlyCpuTimeCounts) {
  // A kernel without CONFIG_SCHED_INFO: the check is what it was, half a core.
  EXPECT_FALSE(busy_loop(use_of(0.24, 0.87), "while waiting"));
  EXPECT_TRUE(busy_loop(use_of(0.79, 0.80), "while waiting"));
}

TEST(Schedstat, ParsesTheThreeFieldsAndRefusesAnythingElse) {
  auto times = detail::parse_schedstat("123456789 987654 42\n");
  ASSERT_TRUE(times);
  EXPECT_EQ(times->on_cpu_ns, 123456789ull);
  EXPECT_EQ(times->run_queue_ns, 987654ull);
  EXPECT_EQ(times->runnable_ns(), 123456789ull + 987654ull);
  EXPECT_FALSE(detail::parse_schedstat(""));
  EXPECT_FALSE(detail::parse_schedstat("12 34\n"));
  EXPECT_FALSE(detail::parse_schedstat("12 34 56 78\n"));
  EXPECT_FALSE(detail::parse_schedstat("twelve 34 56\n"));
}

TEST(Schedstat, BusiestThreadCountsANewThreadFromZeroAndPicksTheLongestRunnable) {
  detail::ThreadRunTimes before{{10, {100, 50}}, {11, {500, 0}}};
  detail::ThreadRunTimes after{{10, {200, 60}}, {11, {520, 10}}, {12, {90, 5}}};
  auto busiest = detail::busiest_thread(before, after);
  ASSERT_TRUE(busiest);
  EXPECT_EQ(busiest->tid, 10);  // 110 ns runnable, against 30 and 95
  EXPECT_EQ(busiest->during.on_cpu_ns, 100u);
  EXPECT_EQ(busiest->during.run_queue_ns, 10u);
  // A thread id reused by a younger thread reads less than before: counted from zero.
  auto reused = detail::busiest_thread({{10, {900, 900}}}, {{10, {40, 2}}});
  ASSERT_TRUE(reused);
  EXPECT_EQ(reused->during.runnable_ns(), 42u);
}

TEST(Schedstat, SeesThisProcesssSpinningThreadRunnableForItsWholeLife) {
  auto before = detail::read_thread_run_times(::getpid());
  if (!before) GTEST_SKIP() << "this kernel keeps no /proc/PID/task/TID/schedstat";
  std::atomic<bool> stop{false};
  std::atomic<pid_t> spinner_tid{0};
  std::thread spinner([&] {
    spinner_tid = static_cast<pid_t>(::syscall(SYS_gettid));
    while (!stop.load(std::memory_order_relaxed)) {
    }
  });
  auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto after = detail::read_thread_run_times(::getpid());
  double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  stop = true;
  spinner.join();
  ASSERT_TRUE(after);
  auto busiest = detail::busiest_thread(*before, *after);
  ASSERT_TRUE(busiest);
  EXPECT_EQ(busiest->tid, spinner_tid.load());
  // On a CPU or queued for one for (nearly) all of it, whatever else the machine is doing;
  // the thread started a moment after `start`, hence the margin.
  EXPECT_GT(static_cast<double>(busiest->during.runnable_ns()) / 1e9, 0.8 * wall);
}

}  // namespace
}  // namespace socklab::harness
