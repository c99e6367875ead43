// socklab grade weighs a run's verdicts by the lab's rubric and writes the formats graders read:
// the reference gets full marks, a mutant loses exactly the points of the scenario written for
// its bug (or, for a scenario graded part by part, the points of that part), and a scenario that
// cannot run here leaves the maximum. (That the same program gets the same score every time is
// tests/class's GradeDeterminism: 10 copies each of three programs.) Every file is read back by
// the consumer a grader would use: results.json, prairielearn.json, report.json and Autolab's
// last lines against their JSON Schemas (python3-jsonschema), junit.xml against the JUnit schema
// (xmllint), TAP by Perl's TAP::Parser (prove). A broken build is rendered in
// test_grade_render.cpp.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>
#include <string>

#include "tests/grade/schemas/grade_consumers.hpp"
#include "tests/harness/socklab_run.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace socklab::testing;

std::string bin(const std::string& program) { return std::string(SOCKLAB_BIN_DIR) + "/" + program; }

// A grade run whose files stay in `folder` (run_socklab's own --out is removed after the run).
struct GradeRun {
  fs::path folder;
  int exit_status = -1;
  std::string output;
};

GradeRun grade(const std::string& arguments, const std::string& tag) {
  GradeRun run;
  run.folder =
      fs::temp_directory_path() / ("socklab-grade-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(run.folder);
  std::string command = bin("socklab") + " grade --out " + run.folder.string() + " " + arguments +
                        " --format json --format gradescope --format junit --format tap "
                        "--format autolab --format prairielearn";
  CommandRun command_run = run_command(command);
  run.exit_status = command_run.exit_status;
  run.output = std::move(command_run.output);
  return run;
}

json read_json(const fs::path& file) {
  std::ifstream in(file);
  return json::parse(in, nullptr, false);
}

int prove_exit(const fs::path& tap, std::string& output) {
  ConsumerVerdict verdict = prove_verdict(tap);
  output = verdict.output;
  return verdict.exit_status;
}

// Every file in `folder` accepted by its consumer (TAP is checked by each test, as its verdict
// differs: prove fails a run with a failed scenario).
void expect_consumers_accept(const fs::path& folder) {
  ConsumerVerdict verdict =
      json_schema_verdict("gradescope-results.schema.json", folder / "results.json");
  EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
  verdict = json_schema_verdict("prairielearn-results.schema.json", folder / "prairielearn.json");
  EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
  verdict = json_schema_verdict("socklab-grade.schema.json", folder / "report.json");
  EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
  verdict = junit_schema_verdict(folder / "junit.xml");
  EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
  verdict = autolab_verdict(folder / "autolab.txt");
  EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
}

TEST(Grade, TheReferenceGetsFullMarksInEveryFormat) {
  GradeRun run = grade("close --server " + bin("ref-close") + " -j 2", "reference");
  ASSERT_EQ(run.exit_status, 0) << run.output;
  json gradescope = read_json(run.folder / "results.json");
  EXPECT_EQ(gradescope["score"], 100) << gradescope.dump(2);
  ASSERT_EQ(gradescope["tests"].size(), 8u);
  for (const json& test : gradescope["tests"]) {
    EXPECT_EQ(test["status"], "passed") << test.dump(2);
    EXPECT_EQ(test["score"], test["max_score"]) << test.dump(2);
    EXPECT_EQ(test["output_format"], "md");
  }
  EXPECT_EQ(read_json(run.folder / "prairielearn.json")["score"], 1.0);
  EXPECT_EQ(read_json(run.folder / "report.json")["grade"]["points"], 100);
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file((run.folder / "junit.xml").c_str()))
      << read_text(run.folder / "junit.xml");
  EXPECT_EQ(junit.child("testsuites").child("testsuite").attribute("failures").as_int(), 0);
  std::string prove_output;
  EXPECT_EQ(prove_exit(run.folder / "results.tap", prove_output), 0) << prove_output;
  std::string autolab = read_text(run.folder / "autolab.txt");
  std::string last_line = autolab.substr(autolab.rfind('\n', autolab.size() - 2) + 1);
  json scores = json::parse(last_line, nullptr, false);
  ASSERT_TRUE(scores.contains("scores")) << autolab;
  EXPECT_EQ(
      scores["scores"]["closing"].get<double>() + scores["scores"]["robustness"].get<double>(),
      100);
  expect_consumers_accept(run.folder);
  EXPECT_EQ(read_json(run.folder / "report.json")["grade"]["build"]["attempted"], false);
  if (!::testing::Test::HasFailure()) fs::remove_all(run.folder);
}

TEST(Grade, AMutantLosesThePointsOfItsScenarioWithTheReasonInEveryFormat) {
  GradeRun run =
      grade("close --server " + bin("mutants/mutant-close-with-unread-input") + " -j 2", "mutant");
  ASSERT_EQ(run.exit_status, 0) << run.output;  // a failed scenario is a grade, not an error
  json gradescope = read_json(run.folder / "results.json");
  EXPECT_EQ(gradescope["score"], 85) << gradescope.dump(2);
  for (const json& test : gradescope["tests"]) {
    bool unread = test["name"].get<std::string>().rfind("unread-input", 0) == 0;
    EXPECT_EQ(test["status"], unread ? "failed" : "passed") << test.dump(2);
    if (unread) {
      EXPECT_EQ(test["score"], 0);
      EXPECT_NE(test["output"].get<std::string>().find("Linux then sends RST instead of FIN"),
                std::string::npos)
          << test.dump(2);
    }
  }
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file((run.folder / "junit.xml").c_str()));
  pugi::xml_node suite = junit.child("testsuites").child("testsuite");
  EXPECT_EQ(suite.attribute("failures").as_int(), 1);
  pugi::xml_node failed = suite.find_child_by_attribute("testcase", "name", "unread-input");
  ASSERT_TRUE(failed.child("failure")) << read_text(run.folder / "junit.xml");
  EXPECT_NE(std::string(failed.child("failure").text().get()).find("RST instead of FIN"),
            std::string::npos);
  EXPECT_TRUE(failed.child("system-out"));
  std::string prove_output;
  EXPECT_NE(prove_exit(run.folder / "results.tap", prove_output), 0) << prove_output;
  EXPECT_NE(prove_output.find("Failed test:  3"), std::string::npos) << prove_output;
  EXPECT_NE(read_text(run.folder / "results.tap").find("not ok 3 - unread-input\n  ---\n"),
            std::string::npos);
  EXPECT_NE(read_text(run.folder / "autolab.txt")
                .find("{\"scores\":{\"closing\":61.0,\"robustness\":24.0}}"),
            std::string::npos)
      << read_text(run.folder / "autolab.txt");
  EXPECT_DOUBLE_EQ(read_json(run.folder / "prairielearn.json")["score"].get<double>(), 0.85);
  expect_consumers_accept(run.folder);
  if (!::testing::Test::HasFailure()) fs::remove_all(run.folder);
}

// linger is graded part by part (lab.toml: data-and-fin 5, others-served 2, close-blocks 5): a
// server that forgets SO_LINGER still delivers everything and serves others, so it loses only
// the 5 points of close-blocks, and every format says which part and why.
TEST(Grade, AMutantEarnsThePartsOfAScenarioItGetsRight) {
  GradeRun run = grade("close --server " + bin("mutants/mutant-linger-not-set") + " -j 2", "parts");
  ASSERT_EQ(run.exit_status, 0) << run.output;
  json gradescope = read_json(run.folder / "results.json");
  EXPECT_EQ(gradescope["score"], 95) << gradescope.dump(2);
  bool seen = false;
  for (const json& test : gradescope["tests"]) {
    if (test["name"].get<std::string>().rfind("linger", 0) != 0) continue;
    seen = true;
    EXPECT_EQ(test["score"], 7) << test.dump(2);
    EXPECT_EQ(test["max_score"], 12) << test.dump(2);
    EXPECT_EQ(test["status"], "failed") << test.dump(2);
    const std::string output = test["output"];
    EXPECT_NE(output.find("- data-and-fin (5 points): earned."), std::string::npos) << output;
    EXPECT_NE(output.find("- others-served (2 points): earned."), std::string::npos) << output;
    EXPECT_NE(output.find("- close-blocks (5 points): Expected the server's close() with "
                          "SO_LINGER {1, 1} to block"),
              std::string::npos)
        << output;
  }
  EXPECT_TRUE(seen) << gradescope.dump(2);
  json report = read_json(run.folder / "report.json");
  for (const json& scenario : report["grade"]["scenarios"]) {
    if (scenario["scenario"] != "linger") continue;
    ASSERT_EQ(scenario["parts"].size(), 3u) << scenario.dump(2);
    EXPECT_EQ(scenario["parts"][0]["name"], "data-and-fin");  // in the scenario's order
    EXPECT_EQ(scenario["parts"][2]["name"], "close-blocks");
    EXPECT_EQ(scenario["parts"][2]["points"], 0);
  }
  EXPECT_NE(run.output.find("parts:    data-and-fin passed, others-served passed, close-blocks "
                            "FAILED"),
            std::string::npos)
      << run.output;
  expect_consumers_accept(run.folder);
  if (!::testing::Test::HasFailure()) fs::remove_all(run.folder);
}

TEST(Grade, AScenarioThatCannotRunHereLeavesTheMaximum) {
  GradeRun run = grade("nbconnect --server " + bin("ref-nbconnect") + " --no-netns", "loopback");
  ASSERT_EQ(run.exit_status, 0) << run.output;
  json gradescope = read_json(run.folder / "results.json");
  double maximum = 0;
  int not_gradable = 0;
  for (const json& test : gradescope["tests"]) {
    maximum += test["max_score"].get<double>();
    if (test["max_score"] == 0) {
      ++not_gradable;
      EXPECT_NE(test["output"].get<std::string>().find("Not gradable here"), std::string::npos);
    }
  }
  EXPECT_EQ(not_gradable, 5) << gradescope.dump(2);  // the scenarios that need hosts of their own
  EXPECT_EQ(gradescope["score"].get<double>(), maximum) << gradescope.dump(2);
  EXPECT_LT(maximum, 100);
  EXPECT_NE(read_text(run.folder / "results.tap").find("# SKIP"), std::string::npos);
  EXPECT_NE(gradescope["output"].get<std::string>().find("Graded in loopback mode"),
            std::string::npos)
      << gradescope["output"];
  expect_consumers_accept(run.folder);
  if (!::testing::Test::HasFailure()) fs::remove_all(run.folder);
}

// --scenario re-grades one scenario; a misspelt one must not quietly drop out of the grade.
TEST(Grade, AMisspeltScenarioIsAUsageErrorThatListsTheLabsScenarios) {
  GradeRun run = grade("close --server " + bin("ref-close") + " --scenario linger --scenario lnger",
                       "misspelt");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("no scenario named 'lnger' in the chosen lab; its scenarios: "
                            "graceful-half-close graceful-quit"),
            std::string::npos)
      << run.output;
  fs::remove_all(run.folder);
}

TEST(Grade, AnUnknownFormatIsAUsageError) {
  GradeRun run = grade("close --server " + bin("ref-close") + " --format html", "bad-format");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("no grade format named 'html'"), std::string::npos) << run.output;
  fs::remove_all(run.folder);
}

}  // namespace
