// socklab inside a locked-down grading container (socklab-locked-down): `check` refuses with exit
// 2 and says why, `grade` falls back to loopback mode on its own and says so, grades what
// loopback can show, leaves the scenarios that need hosts of their own out of the maximum, still
// takes points from a broken server, and leaves no process behind.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "net/fd.hpp"
#include "tests/lockdown/lockdown_run.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace socklab::testing;

fs::path fresh_folder(const std::string& tag) {
  fs::path folder =
      fs::temp_directory_path() / ("socklab-lockdown-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  return folder;
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in, nullptr, false);
}

// A grade of LAB in gradescope and json formats, its files read back, its folder gone.
struct GradeRun {
  CommandRun run;
  json gradescope;  // results.json
  json report;      // report.json: the run, and its grade under "grade"
};

GradeRun grade(const std::string& lab, const std::string& server, bool locked_down,
               const std::string& tag, const std::string& more_arguments = "") {
  fs::path out = fresh_folder(tag);
  std::string command = bin("socklab") + " grade " + lab + " --server " + bin(server) +
                        " --format gradescope --format json --out " + out.string() + " -j 2" +
                        more_arguments;
  GradeRun graded;
  graded.run = locked_down ? run_locked_down(command) : run_command(command);
  graded.gradescope = read_json(out / "results.json");
  graded.report = read_json(out / "report.json");
  fs::remove_all(out);
  return graded;
}

// The names of the scenarios not gradable here (their max_score is 0).
std::set<std::string> not_gradable(const json& gradescope) {
  std::set<std::string> names;
  for (const json& test : gradescope["tests"])
    if (test["max_score"] == 0) names.insert(test["name"].get<std::string>());
  return names;
}

double maximum(const json& gradescope) {
  double sum = 0;
  for (const json& test : gradescope["tests"]) sum += test["max_score"].get<double>();
  return sum;
}

TEST(SocklabLockedDown, CheckRefusesWithExit2AndSaysWhyWhatItRunsOutsideTheLockdown) {
  fs::path out = fresh_folder("check");
  std::string check = bin("socklab") + " check blocking --scenario integrity --out " + out.string();
  CommandRun locked = run_locked_down(check);
  EXPECT_EQ(locked.exit_status, 2) << locked.output;
  EXPECT_NE(locked.output.find("socklab: cannot create network namespaces"), std::string::npos)
      << locked.output;
  EXPECT_NE(locked.output.find("seccomp filter is active"), std::string::npos) << locked.output;
  fs::remove_all(out);
  if (!namespaces_allowed_here()) GTEST_SKIP() << "this machine refuses namespaces itself";
  CommandRun free = run_command(check);
  EXPECT_EQ(free.exit_status, 0) << free.output;
  fs::remove_all(out);
}

TEST(SocklabLockedDown, GradeFallsBackToLoopbackAndSaysWhyInEveryFormat) {
  fs::path out = fresh_folder("formats");
  CommandRun run = run_locked_down(bin("socklab") + " grade close --server " + bin("ref-close") +
                                   " -j 2 --out " + out.string() +
                                   " --format json --format gradescope --format junit"
                                   " --format tap --format autolab --format prairielearn");
  ASSERT_EQ(run.exit_status, 0) << run.output;
  json own = read_json(out / "report.json")["grade"];
  EXPECT_EQ(own["mode"], "loopback") << own.dump(2);
  ASSERT_TRUE(own["mode_reason"].is_string()) << own.dump(2);
  EXPECT_NE(own["mode_reason"].get<std::string>().find("network namespaces cannot be made"),
            std::string::npos)
      << own.dump(2);
  json gradescope = read_json(out / "results.json");
  EXPECT_NE(gradescope["output"].get<std::string>().find("loopback"), std::string::npos)
      << gradescope.dump(2);
  for (const char* file : {"junit.xml", "results.tap", "autolab.txt", "prairielearn.json"}) {
    std::ifstream in(out / file);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("loopback"), std::string::npos) << file << ":\n" << text;
  }
  fs::remove_all(out);
}

// Every scenario of the close lab runs on loopback: the fallback loses the reference nothing.
TEST(SocklabLockedDown, GradeGivesTheReferenceFullPointsForEveryScenarioLoopbackCanRun) {
  GradeRun locked = grade("close", "ref-close", /*locked_down=*/true, "reference");
  ASSERT_EQ(locked.run.exit_status, 0) << locked.run.output;
  ASSERT_FALSE(locked.gradescope["tests"].empty()) << locked.run.output;
  for (const json& test : locked.gradescope["tests"]) {
    EXPECT_EQ(test["status"], "passed") << test.dump(2);
    EXPECT_EQ(test["score"], test["max_score"]) << test.dump(2);
  }
  EXPECT_EQ(locked.gradescope["score"].get<double>(), maximum(locked.gradescope));
  // The fallback grades exactly what an explicit --no-netns run grades.
  GradeRun loopback = grade("close", "ref-close", /*locked_down=*/false, "no-netns", " --no-netns");
  ASSERT_EQ(loopback.run.exit_status, 0) << loopback.run.output;
  EXPECT_EQ(not_gradable(locked.gradescope), not_gradable(loopback.gradescope));
  EXPECT_EQ(maximum(locked.gradescope), maximum(loopback.gradescope));
}

// The nbconnect lab's unreachable and black-holed targets need hosts of their own.
TEST(SocklabLockedDown, ScenariosThatNeedHostsOfTheirOwnAreNotGradableAndLeaveTheMaximum) {
  GradeRun locked = grade("nbconnect", "ref-nbconnect", /*locked_down=*/true, "topology");
  ASSERT_EQ(locked.run.exit_status, 0) << locked.run.output;
  EXPECT_EQ(locked.report["grade"]["mode"], "loopback");
  for (const json& test : locked.gradescope["tests"]) {
    EXPECT_EQ(test["status"], "passed") << test.dump(2);  // never "failed" for lack of hosts
    EXPECT_EQ(test["score"], test["max_score"]) << test.dump(2);
    if (test["max_score"] == 0) {
      EXPECT_NE(test["output"].get<std::string>().find("Not gradable here"), std::string::npos)
          << test.dump(2);
    }
  }
  int not_gradable_count = 0;
  for (const json& scenario : locked.report["grade"]["scenarios"]) {
    EXPECT_NE(scenario["status"], "failed") << scenario.dump(2);
    if (scenario["status"] == "not gradable here") {
      ++not_gradable_count;
      EXPECT_EQ(scenario["max_points"], 0) << scenario.dump(2);
      EXPECT_GT(scenario["rubric_points"], 0) << scenario.dump(2);
    }
  }
  EXPECT_GT(not_gradable_count, 0) << locked.report["grade"].dump(2);
  EXPECT_EQ(not_gradable(locked.gradescope).size(), static_cast<std::size_t>(not_gradable_count));
  double reduced = maximum(locked.gradescope);
  EXPECT_GT(reduced, 0);
  EXPECT_LT(reduced, 100);
  EXPECT_EQ(locked.gradescope["score"].get<double>(), reduced);
  EXPECT_EQ(locked.report["grade"]["max_points"].get<double>(), reduced);
  GradeRun loopback = grade("nbconnect", "ref-nbconnect", /*locked_down=*/false,
                            "topology-no-netns", " --no-netns");
  ASSERT_EQ(loopback.run.exit_status, 0) << loopback.run.output;
  EXPECT_EQ(not_gradable(locked.gradescope), not_gradable(loopback.gradescope));
}

TEST(SocklabLockedDown, AMutantStillLosesItsPointsInLoopbackMode) {
#ifndef SOCKLAB_MUTANTS_BUILT
  GTEST_SKIP() << "the mutants are built in the default build only";
#endif
  GradeRun graded =
      grade("close", "mutants/mutant-close-with-unread-input", /*locked_down=*/true, "mutant");
  ASSERT_EQ(graded.run.exit_status, 0) << graded.run.output;  // a failed scenario is a grade
  int failed = 0;
  for (const json& test : graded.gradescope["tests"]) {
    if (test["name"].get<std::string>().rfind("unread-input", 0) != 0) continue;
    EXPECT_EQ(test["status"], "failed") << test.dump(2);
    EXPECT_EQ(test["score"], 0) << test.dump(2);
    EXPECT_GT(test["max_score"], 0) << test.dump(2);
    // On loopback the client may see the RST itself or only its effect (a send that fails with
    // ENOTCONN after the FIN), so the reason's wording varies; the points lost do not.
    EXPECT_NE(test["output"].get<std::string>().find("no RST"), std::string::npos) << test.dump(2);
    ++failed;
  }
  EXPECT_EQ(failed, 1) << graded.gradescope.dump(2);
  EXPECT_LT(graded.gradescope["score"].get<double>(), maximum(graded.gradescope));
}

// A process's command line, its arguments joined by spaces; "" for one that has just exited
// (its /proc entry then fails to open or to read with ENOENT or ESRCH) or is a zombie.
std::string command_line(const fs::path& process) {
  socklab::Fd file(::open((process / "cmdline").c_str(), O_RDONLY | O_CLOEXEC));
  if (!file) return "";
  std::string text;
  char chunk[4096];
  for (;;) {
    ssize_t n = ::read(file.get(), chunk, sizeof chunk);
    if (n > 0) {
      text.append(chunk, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return "";
    break;
  }
  for (char& c : text) c = c == '\0' ? ' ' : c;
  return text;
}

// Processes whose command line holds `marker`, this test's own process aside.
int processes_with(const std::string& marker) {
  int count = 0;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;  // "self", "sys"
    if (pid == std::to_string(::getpid())) continue;
    if (command_line(entry.path()).find(marker) != std::string::npos) ++count;
  }
  return count;
}

TEST(SocklabLockedDown, AGradeLeavesNoProcessBehind) {
  // A --max-conns value no other test uses marks this grade's servers in /proc.
  const std::string marker = "--max-conns 7332";
  fs::path out = fresh_folder("leftovers");
  std::string command = bin("socklab-locked-down") + " -- " + bin("socklab") +
                        " grade close --server " + bin("ref-close") + " --format json --out " +
                        out.string() + " -j 2 -- " + marker + " 2>&1";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  // While the grade runs, look for its servers: the marker must reach them for the check after
  // the grade to mean anything.
  int most_servers_seen = 0;
  std::string output;
  for (;;) {
    most_servers_seen = std::max(most_servers_seen, processes_with(marker));
    pollfd readable{::fileno(pipe), POLLIN, 0};
    if (::poll(&readable, 1, 20) <= 0) continue;
    char chunk[4096];
    ssize_t n = ::read(::fileno(pipe), chunk, sizeof chunk);
    if (n <= 0) break;
    output.append(chunk, static_cast<std::size_t>(n));
  }
  int status = ::pclose(pipe);
  json own = read_json(out / "report.json")["grade"];
  fs::remove_all(out);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << output;
  EXPECT_EQ(own["mode"], "loopback");
  EXPECT_GT(most_servers_seen, 0) << "no server of the grade was ever seen with " << marker;
  EXPECT_EQ(processes_with(marker), 0) << "a server of the locked-down grade is still running";
  EXPECT_EQ(processes_with(out.string()), 0)
      << "socklab or a helper of the locked-down grade is still running";
}

}  // namespace
