// SupervisedProcess against a fake server (fixtures/fake_server.cpp) whose modes are the ways a
// student's server behaves: each test provokes one behaviour and checks what the harness says.
#include "harness/process/supervised_process.hpp"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <limits>
#include <sstream>
#include <thread>
#include <vector>

#include "harness/process/child_spawn.hpp"
#include "harness/process/listening_line.hpp"
#include "harness/process/proc_stat.hpp"
#include "net/socket.hpp"
#include "tests/harness/fixtures/harness_test_support.hpp"

namespace socklab::harness {
namespace {

using namespace std::chrono_literals;
using testing::HasSubstr;
using SteadyClock = std::chrono::steady_clock;

// The first line of `text` that starts with "KEY ", without the key: the fake server's report.
std::string value_of(const std::string& text, const std::string& key) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(key + " ", 0) == 0) return line.substr(key.size() + 1);
  }
  return "(no " + key + " line)";
}

// True once no process with this pid runs (it may linger as a zombie of someone else's).
bool gone(pid_t pid) {
  if (::kill(pid, 0) != 0) return errno == ESRCH;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string pid_text, name, state;
  stat >> pid_text >> name >> state;
  return state == "Z";
}

class SupervisedProcessTest : public testing::Test {
 protected:
  LaunchSpec spec(const std::string& mode, const std::string& argument = "",
                  const std::string& log_prefix = "") {
    LaunchSpec launch_spec;
    launch_spec.program = SOCKLAB_FAKE_SERVER;
    launch_spec.arguments = {mode};
    if (!argument.empty()) launch_spec.arguments.push_back(argument);
    launch_spec.stdout_log = folder_ / (log_prefix + "stdout.log");
    launch_spec.stderr_log = folder_ / (log_prefix + "stderr.log");
#if defined(__SANITIZE_ADDRESS__)
    // The fake server is then built with AddressSanitizer too, whose shadow memory (terabytes
    // reserved, never touched) counts against RLIMIT_DATA since Linux 4.7.
    launch_spec.limits.data_bytes = 0;
#endif
    return launch_spec;
  }
  SupervisedProcess launch_ready(const LaunchSpec& launch_spec) {
    SupervisedProcess process = SupervisedProcess::launch(launch_spec);
    Readiness readiness = process.wait_until_listening(10s);
    EXPECT_TRUE(readiness.ready) << readiness.problem;
    return process;
  }
  std::string launch_failure(const LaunchSpec& launch_spec) {
    try {
      SupervisedProcess::launch(launch_spec);
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    return "(launched)";
  }

  test::TemporaryFolder folder_;
};

// --- readiness -------------------------------------------------------------------------------

TEST_F(SupervisedProcessTest, ReportsTheHostAndPortOfTheListeningLine) {
  auto started = SteadyClock::now();
  SupervisedProcess process = SupervisedProcess::launch(spec("listen"));
  Readiness readiness = process.wait_until_listening(10s);
  auto elapsed = std::chrono::duration<double, std::milli>(SteadyClock::now() - started).count();
  std::cout << "launch to ready: " << elapsed << " ms\n";
  ASSERT_TRUE(readiness.ready) << readiness.problem;
  EXPECT_EQ(readiness.host, "127.0.0.1");
  EXPECT_NE(readiness.port, 0);  // RunsInsideTheGivenNetworkNamespace connects to it
}

TEST_F(SupervisedProcessTest, ReportsAnExitBeforeTheListeningLineWithItsStderr) {
  SupervisedProcess process = SupervisedProcess::launch(spec("exit-3"));
  Readiness readiness = process.wait_until_listening(10s);
  EXPECT_FALSE(readiness.ready);
  EXPECT_THAT(readiness.problem, HasSubstr("the server exited with status 3 before printing "
                                           "'listening on HOST:PORT'; last lines of stderr:"));
  EXPECT_THAT(readiness.problem, HasSubstr("fatal: cannot bind"));
}

TEST_F(SupervisedProcessTest, ReportsACrashBeforeTheListeningLine) {
  SupervisedProcess process = SupervisedProcess::launch(spec("crash-segv"));
  Readiness readiness = process.wait_until_listening(10s);
  EXPECT_THAT(readiness.problem, HasSubstr("the server was killed by SIGSEGV (Segmentation fault)"
                                           " before printing 'listening on HOST:PORT'"));
  ASSERT_TRUE(process.exit_status());
  EXPECT_EQ(process.exit_status()->signal, SIGSEGV);
  EXPECT_FALSE(process.exit_status()->core_dumped);  // RLIMIT_CORE is 0
}

TEST_F(SupervisedProcessTest, ReportsATimeoutWithStdoutAndStderrSoFar) {
  SupervisedProcess process = SupervisedProcess::launch(spec("never-print"));
  Readiness readiness = process.wait_until_listening(300ms);
  EXPECT_FALSE(readiness.ready);
  EXPECT_THAT(readiness.problem, HasSubstr("no 'listening on HOST:PORT' line within 300 ms; "
                                           "stdout so far: 'starting\\n'"));
  EXPECT_THAT(readiness.problem, HasSubstr("last lines of stderr:\nwarming up"));
  EXPECT_TRUE(process.alive());
}

TEST_F(SupervisedProcessTest, ReportsAMalformedListeningLine) {
  SupervisedProcess process = SupervisedProcess::launch(spec("print-bad-line"));
  Readiness readiness = process.wait_until_listening(10s);
  EXPECT_FALSE(readiness.ready);
  EXPECT_THAT(readiness.problem,
              HasSubstr("printed 'listening on foo' but expected 'listening on HOST:PORT'"));
}

TEST(ListeningLine, AcceptsExactlyHostColonPortOnACompleteLine) {
  auto line = detail::find_listening_line("hello\nlistening on 10.1.2.3:8080\n");
  EXPECT_TRUE(line.well_formed);
  EXPECT_EQ(line.host, "10.1.2.3");
  EXPECT_EQ(line.port, 8080);
  EXPECT_EQ(detail::find_listening_line("listening on [::1]:7\n").host, "::1");
  EXPECT_FALSE(detail::find_listening_line("listening on 127.0.0.1:8080").found);  // unfinished
  for (const char* bad :
       {"listening on foo\n", "listening on 127.0.0.1\n", "listening on 127.0.0.1:0\n",
        "listening on 127.0.0.1:65536\n", "listening on 127.0.0.1:080\n",
        "listening on 127.0.0.1:+80\n", "listening on 127.0.0.1:80 \n",
        "listening on 127.0.0.1:80\r\n", "listening on localhost:80\n", "listening on ::1:80\n",
        "listening on 1.2.3:80\n", "listening on 01.2.3.4:80\n"}) {
    auto parsed = detail::find_listening_line(bad);
    EXPECT_TRUE(parsed.found) << bad;
    EXPECT_FALSE(parsed.well_formed) << bad;
  }
}

// --- launch failures -------------------------------------------------------------------------

TEST_F(SupervisedProcessTest, LaunchingAMissingFileSaysEnoent) {
  LaunchSpec missing = spec("listen");
  missing.program = "/nonexistent/socklab-no-such-server";
  EXPECT_EQ(launch_failure(missing),
            "cannot start /nonexistent/socklab-no-such-server: "
            "ENOENT (No such file or directory)");
}

TEST_F(SupervisedProcessTest, LaunchingANonExecutableFileSaysEacces) {
  LaunchSpec text_file = spec("listen");
  text_file.program = folder_ / "server.cpp";
  std::ofstream(text_file.program) << "int main() {}\n";
  std::filesystem::permissions(text_file.program, std::filesystem::perms(0644));
  EXPECT_THAT(launch_failure(text_file), HasSubstr(": EACCES (Permission denied)"));
}

TEST_F(SupervisedProcessTest, LaunchingAFileThatIsNoProgramSaysEnoexec) {
  LaunchSpec garbage = spec("listen");
  garbage.program = folder_ / "server";
  std::ofstream(garbage.program) << "\x01\x02 not an ELF file and no #! line\n";
  std::filesystem::permissions(garbage.program, std::filesystem::perms(0755));
  EXPECT_THAT(launch_failure(garbage), HasSubstr(": ENOEXEC (Exec format error)"));
}

TEST_F(SupervisedProcessTest, LaunchingWithALogInAMissingFolderNamesTheLog) {
  LaunchSpec no_folder = spec("listen");
  no_folder.stdout_log = folder_ / "missing" / "stdout.log";
  EXPECT_THAT(launch_failure(no_folder),
              HasSubstr("open " + no_folder.stdout_log.string() + ": ENOENT"));
}

TEST_F(SupervisedProcessTest, ExplainsNobodyWhenAFolderAboveTheProgramIsPrivate) {
  if (!detail::runs_as_real_root()) GTEST_SKIP() << "programs run as nobody only under real root";
  std::filesystem::path private_folder = folder_ / "private";
  std::filesystem::create_directory(private_folder);
  std::filesystem::permissions(private_folder, std::filesystem::perms(0700));
  LaunchSpec hidden = spec("listen");
  hidden.program = private_folder / "server";
  std::filesystem::copy_file(SOCKLAB_FAKE_SERVER, hidden.program);
  std::string message = launch_failure(hidden);
  EXPECT_THAT(message, HasSubstr(": EACCES (Permission denied). The sandbox runs programs as "
                                 "nobody (uid 65534)"));
  EXPECT_THAT(message, HasSubstr("every folder above it"));
}

// --- what the program starts with ------------------------------------------------------------

TEST_F(SupervisedProcessTest, RunsAsNobodyWhenTheHarnessIsRealRoot) {
  if (!detail::runs_as_real_root()) GTEST_SKIP() << "only real root drops to nobody";
  SupervisedProcess process = launch_ready(spec("report"));
  EXPECT_EQ(value_of(process.stdout_text(), "uid"), "65534 gid 65534 groups 0");
}

TEST_F(SupervisedProcessTest, StartsUnderTheResourceLimits) {
  LaunchSpec limited = spec("report");
  limited.limits.open_files = 64;
  limited.limits.log_bytes = 1 << 20;
  limited.limits.cpu_seconds = 7;
  SupervisedProcess process = launch_ready(limited);
  std::string report = process.stdout_text();
  EXPECT_EQ(value_of(report, "nofile"), "64 64");
  EXPECT_EQ(value_of(report, "fsize"), "1048576");
  EXPECT_EQ(value_of(report, "core"), "0");
  EXPECT_EQ(value_of(report, "cpu"), "7 8");  // SIGXCPU at 7 s, SIGKILL at 8 s
}

TEST_F(SupervisedProcessTest, CapsEachLimitAtTheHarnesssOwnHardLimit) {
  rlimit own{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &own), 0);
  LaunchSpec greedy = spec("report");
  greedy.limits.open_files = std::numeric_limits<int>::max();  // more than any hard limit
  SupervisedProcess process = launch_ready(greedy);
  std::string hard = std::to_string(own.rlim_max);
  EXPECT_EQ(value_of(process.stdout_text(), "nofile"), hard + " " + hard);
}

TEST_F(SupervisedProcessTest, StartsWithNoSignalBlockedAndOnlySigxfszIgnored) {
  // As the harness does in its threads: the child must not inherit any of it.
  sigset_t stop_signals, previous;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  ::pthread_sigmask(SIG_BLOCK, &stop_signals, &previous);
  auto previous_sigpipe = ::signal(SIGPIPE, SIG_IGN);
  SupervisedProcess process = launch_ready(spec("report"));
  ::signal(SIGPIPE, previous_sigpipe);
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  EXPECT_EQ(value_of(process.stdout_text(), "blocked"), "none");
  EXPECT_EQ(value_of(process.stdout_text(), "ignored"), std::to_string(SIGXFSZ));
}

TEST_F(SupervisedProcessTest, InheritsOnlyStdinStdoutAndStderr) {
  Fd inheritable(::open("/dev/null", O_RDONLY));  // no O_CLOEXEC, on purpose
  ASSERT_TRUE(inheritable);
  SupervisedProcess process = launch_ready(spec("report"));
  EXPECT_EQ(value_of(process.stdout_text(), "fds"), "0 1 2");
}

TEST_F(SupervisedProcessTest, IsKilledWhenTheHarnessDies) {
  SupervisedProcess process = launch_ready(spec("report"));
  EXPECT_EQ(value_of(process.stdout_text(), "pdeathsig"), std::to_string(SIGKILL));
}

TEST_F(SupervisedProcessTest, RunsInsideTheGivenNetworkNamespace) {
  SKIP_WITHOUT_SANDBOX();
  NetNamespace netns = NetNamespace::create();
  test::bring_up_loopback(netns);
  LaunchSpec inside = spec("listen");
  inside.netns = &netns;
  SupervisedProcess process = SupervisedProcess::launch(inside);
  Readiness readiness = process.wait_until_listening(10s);
  ASSERT_TRUE(readiness.ready) << readiness.problem;
  struct stat process_netns {};
  ASSERT_EQ(::stat(("/proc/" + std::to_string(process.pid()) + "/ns/net").c_str(), &process_netns),
            0);
  EXPECT_EQ(process_netns.st_ino, test::inode_of(netns.fd()));
  EnterNetNamespace enter(netns);
  EXPECT_NO_THROW(connect_tcp(readiness.host, readiness.port));
}

// --- stopping ---------------------------------------------------------------------------------

TEST_F(SupervisedProcessTest, StopGetsExitZeroFromAServerThatHonoursSigterm) {
  SupervisedProcess process = launch_ready(spec("listen"));
  auto result = process.stop(5s);
  EXPECT_TRUE(result.status.clean()) << result.status.describe();
  EXPECT_FALSE(result.needed_sigkill);
  EXPECT_EQ(result.descendants_killed, 0);
  EXPECT_FALSE(process.alive());
}

TEST_F(SupervisedProcessTest, StopNeedsSigkillForAServerThatIgnoresSigterm) {
  SupervisedProcess process = launch_ready(spec("ignore-sigterm"));
  auto result = process.stop(200ms);
  EXPECT_TRUE(result.needed_sigkill);
  EXPECT_EQ(result.status.describe(), "was killed by SIGKILL (Killed)");
  EXPECT_EQ(process.stop(0ms).status.signal, SIGKILL);  // a second stop() repeats the result
}

TEST_F(SupervisedProcessTest, StopKillsAGrandchildThatLeftTheSession) {
  SupervisedProcess process = launch_ready(spec("fork-grandchild"));
  pid_t grandchild = std::stoi(value_of(process.stdout_text(), "grandchild"));
  auto result = process.stop(500ms);  // the grandchild has all of it, then SIGKILL
  EXPECT_TRUE(result.status.clean()) << result.status.describe();
  EXPECT_EQ(result.descendants_killed, 1);
  EXPECT_TRUE(gone(grandchild));
}

TEST_F(SupervisedProcessTest, StopKillsAChildLeftBehindByAServerThatExited) {
  SupervisedProcess process = SupervisedProcess::launch(spec("fork-and-exit"));
  EXPECT_THAT(process.wait_until_listening(10s).problem, HasSubstr("exited with status 3"));
  auto result = process.stop(200ms);
  EXPECT_EQ(result.status.describe(), "exited with status 3");
  EXPECT_FALSE(result.needed_sigkill);
  EXPECT_EQ(result.descendants_killed, 1);  // in the group, adopted by the harness, killed
}

TEST_F(SupervisedProcessTest, StopKillsADaemonInTheProgramsNetworkNamespace) {
  SKIP_WITHOUT_SANDBOX();
  NetNamespace netns = NetNamespace::create();
  test::bring_up_loopback(netns);
  LaunchSpec inside = spec("daemon");
  inside.netns = &netns;
  SupervisedProcess process = launch_ready(inside);
  pid_t daemon = std::stoi(value_of(process.stdout_text(), "grandchild"));
  // Its own session, its parent gone: only the namespace still ties it to the program.
  ASSERT_EQ(detail::read_proc_stat(daemon)->ppid, ::getpid());
  auto result = process.stop(500ms);
  EXPECT_EQ(result.descendants_killed, 1);
  EXPECT_TRUE(gone(daemon));
}

TEST_F(SupervisedProcessTest, ProgramsStoppedInParallelThreadsKillOnlyTheirOwnProcesses) {
  // As scenarios run under -j: each thread launches, then stops, its own program, while the
  // others' processes (and their adopted grandchildren) are alive around it.
  constexpr int kThreads = 4;
  std::vector<SupervisedProcess::StopResult> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([this, i, &results] {
      SupervisedProcess process = launch_ready(spec("fork-grandchild", "", std::to_string(i)));
      // 3 s, the harness's own grace: a cooperative program exits at once, but four ASan
      // builds stopping together on a loaded 2-core machine once needed more than 300 ms.
      results[static_cast<std::size_t>(i)] = process.stop(3s);
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (const auto& result : results) {
    EXPECT_TRUE(result.status.clean()) << result.status.describe();
    EXPECT_EQ(result.descendants_killed, 1);
  }
}

TEST_F(SupervisedProcessTest, DestructorKillsAProcessStillRunning) {
  pid_t pid = 0;
  {
    SupervisedProcess process = launch_ready(spec("ignore-sigterm"));
    pid = process.pid();
  }
  EXPECT_TRUE(gone(pid));
}

// --- logs and facts ---------------------------------------------------------------------------

TEST_F(SupervisedProcessTest, StdoutLogStopsAtLogBytesAndTheWriterGetsEfbig) {
  LaunchSpec flood = spec("flood-stdout", std::to_string(1 << 20));
  flood.limits.log_bytes = 64 * 1024;
  SupervisedProcess process = launch_ready(flood);
  auto result = process.stop(10s);  // SIGTERM is blocked: it exits once the flood is over
  EXPECT_TRUE(result.status.clean()) << result.status.describe();  // not killed by SIGXFSZ
  EXPECT_EQ(std::filesystem::file_size(flood.stdout_log), 64u * 1024);
  EXPECT_THAT(process.stderr_tail(),
              testing::MatchesRegex("write failed after [0-9]+ bytes: EFBIG"));
}

TEST_F(SupervisedProcessTest, StderrTailReturnsTheLastLines) {
  SupervisedProcess process = launch_ready(spec("stderr-lines", "100"));
  process.stop(10s);  // SIGTERM is blocked: it exits once it has written every line
  EXPECT_EQ(process.stderr_tail(3), "line 98\nline 99\nline 100");
  EXPECT_THAT(process.stderr_tail(), testing::StartsWith("line 91\n"));
}

TEST_F(SupervisedProcessTest, FactsCountThreadsDescriptorsAndMemory) {
  SupervisedProcess threaded = launch_ready(spec("threads", "3"));
  EXPECT_EQ(threaded.facts().threads, 4);
  threaded.stop(0ms);
  SupervisedProcess holding = launch_ready(spec("open-fds", "100"));
  ProcessFacts facts = holding.facts();
  EXPECT_GE(facts.open_fds, 104);  // 0-2, the listening socket, 100 × /dev/null
  EXPECT_GT(facts.rss_bytes, 0u);
  EXPECT_EQ(facts.threads, 1);
}

TEST_F(SupervisedProcessTest, FactsShowCpuTimeGrowingWhileTheServerSpins) {
  SupervisedProcess process = launch_ready(spec("spin-cpu"));
  // CPU time can only be watched, not awaited: look every 20 ms for up to 10 s.
  auto deadline = SteadyClock::now() + 10s;
  while (process.facts().cpu_seconds < 0.3 && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_GE(process.facts().cpu_seconds, 0.3);
}

TEST_F(SupervisedProcessTest, FactsAreZeroOnceTheProcessHasExited) {
  SupervisedProcess process = SupervisedProcess::launch(spec("exit-3"));
  process.wait_until_listening(10s);
  ProcessFacts facts = process.facts();
  EXPECT_EQ(facts.threads, 0);
  EXPECT_EQ(facts.open_fds, 0);
  EXPECT_EQ(facts.cpu_seconds, 0);
}

TEST(ExitStatus, DescribesExitsAndSignalsInWords) {
  EXPECT_EQ((ExitStatus{true, 0, 0, false}).describe(), "exited with status 0");
  EXPECT_EQ((ExitStatus{false, 0, SIGSEGV, true}).describe(),
            "was killed by SIGSEGV (Segmentation fault), core dumped");
  EXPECT_EQ((ExitStatus{false, 0, SIGTERM, false}).describe(),
            "was killed by SIGTERM (Terminated)");
}

}  // namespace
}  // namespace socklab::harness

int main(int argc, char** argv) {
  // Before GoogleTest starts any thread: unshare(CLONE_NEWUSER) refuses a threaded process.
  socklab::test::sandbox_support() = socklab::harness::enter_sandbox();
  socklab::harness::become_subreaper();
  testing::InitGoogleTest(&argc, argv);
  return RUN_ALL_TESTS();
}
