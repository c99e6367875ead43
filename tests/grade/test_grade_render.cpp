// socklab grade's formats written straight from a Grade, no server run: a submission that did not
// build (zero of the full 100, the compiler's errors where the student looks), one that built
// with a note, and a run that fell back to loopback mode (the mode and the reason at the top of
// every format). Every file is read back by the consumer the grader would use, and each of those
// consumers is shown to reject a broken file, so a pass here means the file is right.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <pugixml.hpp>
#include <stdexcept>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade.hpp"
#include "harness/grade/grade_formats.hpp"
#include "harness/grade/html_build_failure.hpp"
#include "tests/grade/schemas/grade_consumers.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using namespace socklab::harness;
using namespace socklab::testing;

const char* const kCompilerError =
    "server.cpp: In function 'int main()':\n"
    "server.cpp:12:5: error: 'listen_fd' was not declared in this scope\n"
    "   12 |     listen_fd = socket(AF_INET, SOCK_STREAM, 0);\n"
    "      |     ^~~~~~~~~\n";
const char* const kNamespacesRefused =
    "network namespaces could not be made here (unshare(CLONE_NEWUSER): EPERM)";

json json_of(const fs::path& file) { return json::parse(text_of(file), nullptr, false); }

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class GradeRender : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string origin = "labs/07-close/lab.toml";
    manifest_ =
        parse_lab_manifest(text_of(fs::path(SOCKLAB_SOURCE_DIR) / origin), "07-close", origin);
    const auto* test = ::testing::UnitTest::GetInstance()->current_test_info();
    folder_ = fs::temp_directory_path() /
              ("socklab-render-" + std::string(test->name()) + "-" + std::to_string(::getpid()));
    fs::remove_all(folder_);
    fs::create_directories(folder_);
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(folder_);
  }

  SubmissionBuild broken_build() const {
    SubmissionBuild build;
    build.attempted = true;
    build.files = {"server.cpp"};
    build.problem = "the compiler rejected server.cpp";
    build.compiler_output = kCompilerError;
    build.notes = {"extra file ignored: notes.txt"};
    build.command = "g++ -std=c++20 -O2 -o server server.cpp";
    build.seconds = 1.5;
    return build;
  }

  // A run in which every scenario of the rubric passed, or, with `skipped`, could not run here.
  const RunReport& run(const std::string& mode, const std::vector<std::string>& skipped = {}) {
    report_.mode = mode;
    report_.seconds = 12;
    for (const RubricEntry& entry : manifest_.rubric) {
      ScenarioResult result;
      result.lab = manifest_.name;
      result.scenario = entry.scenario;
      result.seconds = 0.25;
      bool skip = std::find(skipped.begin(), skipped.end(), entry.scenario) != skipped.end();
      result.verdict = skip ? Verdict::skipped : Verdict::passed;
      if (skip) result.note = "needs hosts of their own (needs_topology), not run in loopback mode";
      report_.results.push_back(result);
    }
    return report_;
  }

  void write_every_format(const Grade& grade) {
    for (const std::string& format : grade_format_names()) {
      write_grade(format, grade, folder_ / grade_format_file(format));
    }
  }

  // Every format's own consumer accepts its file; TAP is left to each test, whose plan may fail.
  void expect_every_schema_holds() {
    ConsumerVerdict verdict =
        json_schema_verdict("gradescope-results.schema.json", file("gradescope"));
    EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
    verdict = json_schema_verdict("prairielearn-results.schema.json", file("prairielearn"));
    EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
    verdict = json_schema_verdict("socklab-grade.schema.json", file("json"));
    EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
    verdict = junit_schema_verdict(file("junit"));
    EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
    verdict = autolab_verdict(file("autolab"));
    EXPECT_EQ(verdict.exit_status, 0) << verdict.output;
  }

  fs::path file(const std::string& format) const { return folder_ / grade_format_file(format); }

  LabManifest manifest_;
  RunReport report_;  // outlives the Grade, which points into it
  fs::path folder_;
};

TEST_F(GradeRender, ABrokenBuildScoresZeroOfTheFullMaximumWithTheCompilerErrorsInEveryFormat) {
  write_every_format(grade_failed_build(manifest_, broken_build(), "netns"));
  expect_every_schema_holds();

  json gradescope = json_of(file("gradescope"));
  EXPECT_EQ(gradescope["score"], 0);
  double maximum = 0;
  for (const json& test : gradescope["tests"]) maximum += test["max_score"].get<double>();
  EXPECT_EQ(maximum, 100);
  const json& build_test = gradescope["tests"][0];
  EXPECT_EQ(build_test["name"].get<std::string>(), "Build: server.cpp") << build_test;
  EXPECT_EQ(build_test["status"], "failed");
  EXPECT_EQ(build_test["max_score"], 0);
  EXPECT_EQ(build_test["visibility"], "visible");
  EXPECT_TRUE(contains(build_test["output"], "'listen_fd' was not declared")) << build_test;
  const std::string summary = gradescope["output"];
  EXPECT_TRUE(contains(summary, "'listen_fd' was not declared")) << summary;
  EXPECT_TRUE(contains(summary, "Build failed: the compiler rejected server.cpp.")) << summary;
  EXPECT_TRUE(contains(summary, "extra file ignored: notes.txt")) << summary;
  EXPECT_TRUE(contains(summary, "Graded in netns mode.")) << summary;

  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file(file("junit").c_str()));
  pugi::xml_node suite = junit.child("testsuites").child("testsuite");
  EXPECT_EQ(suite.attribute("tests").as_int(), 9);     // the build and the 8 scenarios
  EXPECT_EQ(suite.attribute("failures").as_int(), 9);  // none of them ran
  pugi::xml_node build_case = suite.find_child_by_attribute("testcase", "classname", "close.build");
  EXPECT_STREQ(build_case.attribute("name").value(), "build");
  EXPECT_TRUE(contains(build_case.child("failure").text().get(), "'listen_fd' was not declared"));

  std::string tap = text_of(file("tap"));
  EXPECT_TRUE(contains(tap, "\n1..9\nnot ok 1 - build\n")) << tap;
  EXPECT_TRUE(contains(tap, "'listen_fd' was not declared")) << tap;
  ConsumerVerdict prove = prove_verdict(file("tap"));
  EXPECT_NE(prove.exit_status, 0) << prove.output;
  EXPECT_TRUE(contains(prove.output, "Failed tests:  1-9")) << prove.output;
  EXPECT_FALSE(contains(prove.output, "Parse errors")) << prove.output;

  std::string autolab = text_of(file("autolab"));
  EXPECT_TRUE(contains(autolab, "'listen_fd' was not declared")) << autolab;
  EXPECT_TRUE(contains(autolab, "{\"scores\":{\"closing\":0.0,\"robustness\":0.0}}\n")) << autolab;
  EXPECT_TRUE(contains(autolab, "\"Build\":{\"compile ")) << autolab;

  json prairielearn = json_of(file("prairielearn"));
  EXPECT_EQ(prairielearn["gradable"], true);  // a zero, not an invalid submission
  EXPECT_EQ(prairielearn["score"], 0);
  EXPECT_TRUE(contains(prairielearn["message"], "the compiler rejected server.cpp"));
  EXPECT_TRUE(contains(prairielearn["output"], "'listen_fd' was not declared"));

  json own = json_of(file("json"))["grade"];
  EXPECT_EQ(own["max_points"], 100);
  EXPECT_EQ(own["build"]["succeeded"], false);
  EXPECT_EQ(own["build"]["compiler_output"], kCompilerError);
  EXPECT_EQ(own["build"]["notes"], json::array({"extra file ignored: notes.txt"}));
}

TEST_F(GradeRender, ABrokenBuildsPageSaysWhyNothingRanInTheCompilersWords) {
  Grade grade = grade_failed_build(manifest_, broken_build(), "netns");
  grade.build.compiler_output += "server.cpp:9: note: <stdio.h> & friends\n";
  write_html_build_failure(grade, folder_ / "report.html");
  std::string page = text_of(folder_ / "report.html");
  EXPECT_EQ(page.rfind("<!DOCTYPE html>", 0), 0u) << page;
  EXPECT_TRUE(contains(page, "0 / 100 points for the close lab.")) << page;
  EXPECT_TRUE(contains(page, "Build failed: the compiler rejected server.cpp.")) << page;
  EXPECT_TRUE(contains(page, "listen_fd")) << page;
  // The compiler's words are text, not markup.
  EXPECT_TRUE(contains(page, "&lt;stdio.h&gt; &amp; friends")) << page;
  EXPECT_FALSE(contains(page, "<stdio.h>")) << page;
  EXPECT_TRUE(contains(page, "g++ -std=c++20 -O2 -o server server.cpp")) << page;
  EXPECT_TRUE(contains(page, "extra file ignored: notes.txt")) << page;
  EXPECT_FALSE(contains(page, "<script")) << page;
}

TEST_F(GradeRender, ABuildThatSucceededIsAPassingTestWorthNoPoints) {
  Grade grade = grade_run(run("netns"), manifest_);
  grade.build = broken_build();
  grade.build.succeeded = true;
  grade.build.problem.clear();
  grade.build.compiler_output.clear();
  write_every_format(grade);
  expect_every_schema_holds();

  json gradescope = json_of(file("gradescope"));
  EXPECT_EQ(gradescope["score"], 100);
  EXPECT_EQ(gradescope["tests"][0]["status"], "passed");
  EXPECT_EQ(gradescope["tests"][0]["score"], 0);
  EXPECT_TRUE(contains(gradescope["tests"][0]["output"], "extra file ignored: notes.txt"));
  ConsumerVerdict prove = prove_verdict(file("tap"));
  EXPECT_EQ(prove.exit_status, 0) << prove.output << text_of(file("tap"));
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file(file("junit").c_str()));
  pugi::xml_node suite = junit.child("testsuites").child("testsuite");
  EXPECT_EQ(suite.attribute("failures").as_int(), 0);
  EXPECT_FALSE(suite.find_child_by_attribute("testcase", "name", "build").child("failure"));
  EXPECT_TRUE(contains(text_of(file("autolab")), "\"Build\":{\"compile "))
      << text_of(file("autolab"));
  EXPECT_EQ(json_of(file("prairielearn"))["score"], 1.0);
}

TEST_F(GradeRender, TheLoopbackFallbackAndItsReasonOpenEveryFormat) {
  Grade grade = grade_run(run("loopback", {"linger", "abortive"}), manifest_);
  grade.mode_reason = kNamespacesRefused;
  write_every_format(grade);
  expect_every_schema_holds();

  const std::string said = std::string("Graded in loopback mode: ") + kNamespacesRefused + ".";
  json gradescope = json_of(file("gradescope"));
  EXPECT_TRUE(contains(gradescope["output"], said)) << gradescope["output"];
  EXPECT_TRUE(contains(gradescope["output"], "left out of the maximum")) << gradescope["output"];
  EXPECT_EQ(gradescope["score"], 100 - 12 - 12);
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file(file("junit").c_str()));
  pugi::xml_node suite = junit.child("testsuites").child("testsuite");
  EXPECT_STREQ(suite.child("properties")
                   .find_child_by_attribute("property", "name", "mode_reason")
                   .attribute("value")
                   .value(),
               kNamespacesRefused);
  EXPECT_TRUE(contains(suite.child("system-out").text().get(), said));
  std::string tap = text_of(file("tap"));
  EXPECT_EQ(tap.rfind("TAP version 14\n# " + said, 0), 0u) << tap;
  ConsumerVerdict prove = prove_verdict(file("tap"));
  EXPECT_EQ(prove.exit_status, 0) << prove.output;
  std::string autolab = text_of(file("autolab"));
  EXPECT_TRUE(contains(autolab, said)) << autolab;
  EXPECT_TRUE(contains(autolab, std::string("\"why\":\"") + kNamespacesRefused)) << autolab;
  EXPECT_TRUE(contains(json_of(file("prairielearn"))["message"], said));
  EXPECT_EQ(json_of(file("json"))["grade"]["mode_reason"], kNamespacesRefused);
}

TEST_F(GradeRender, CompilerOutputThatIsNotCleanTextStillMakesValidFiles) {
  SubmissionBuild build = broken_build();
  // Colour codes, a control byte and bytes that are not UTF-8, as a compiler quoting a
  // student's source can print them.
  build.compiler_output =
      "server.cpp:3:1: \x1b[01;31merror:\x1b[m stray '\\377' \xff\xfe\x01 in program\n"
      "server.cpp:4:1: note: \xed\xa0\x80 \xf8\x88\x80\x80 \xe0\x80\xaf \xc3 "
      "caf\xc3\xa9 \xe2\x80\x98quoted\xe2\x80\x99\n";
  write_every_format(grade_failed_build(manifest_, build, "netns"));
  expect_every_schema_holds();
  std::string gradescope = json_of(file("gradescope"))["output"];
  EXPECT_TRUE(contains(gradescope, "server.cpp:3:1: error: stray")) << gradescope;
  EXPECT_FALSE(contains(gradescope, "\x1b")) << gradescope;
  EXPECT_TRUE(contains(gradescope, "caf\xc3\xa9 \xe2\x80\x98quoted\xe2\x80\x99")) << gradescope;
}

// The close lab's linger entry has parts (5 + 2 + 5 points). `parts`: the outcomes the run
// recorded; `whole`: a failure outside every part.
ScenarioResult& failed_linger(RunReport& report, std::vector<PartResult> parts,
                              std::optional<Finding> whole = std::nullopt) {
  for (ScenarioResult& result : report.results) {
    if (result.scenario != "linger") continue;
    result.verdict = Verdict::failed;
    result.parts = std::move(parts);
    result.whole_failure = whole;
    result.finding = whole ? *whole : Finding{};
    for (const PartResult& part : result.parts)
      if (!part.passed && !whole) result.finding = part.finding;
    return result;
  }
  throw std::logic_error("the close lab has no linger scenario");
}

const Finding kNoBlock{"close() with SO_LINGER {1, 1} to block for about 1 s",
                       "the longest wait was 1 ms: close() did not block",
                       "No wait means SO_LINGER was not set."};

const GradedScenario& graded_linger(const Grade& grade) {
  for (const GradedScenario& graded : grade.scenarios)
    if (graded.rubric->scenario == "linger") return graded;
  throw std::logic_error("no linger in the grade");
}

TEST_F(GradeRender, AScenarioWithPartsEarnsEachPartThatPassed) {
  run("netns");
  failed_linger(
      report_,
      {{"data-and-fin", true, {}}, {"others-served", true, {}}, {"close-blocks", false, kNoBlock}});
  Grade grade = grade_run(report_, manifest_);
  const GradedScenario& linger = graded_linger(grade);
  EXPECT_EQ(linger.status, GradeStatus::failed);
  EXPECT_EQ(linger.points, 7);
  EXPECT_EQ(linger.max_points, 12);
  EXPECT_EQ(grade.points, 95);
  EXPECT_EQ(grade.categories.at("closing").points, 71);
  ASSERT_EQ(linger.parts.size(), 3u);
  for (const GradedPart& part : linger.parts) {
    if (part.name == "close-blocks") {
      EXPECT_EQ(part.points, 0);
      EXPECT_TRUE(contains(part.reason, "close() did not block")) << part.reason;
    } else {
      EXPECT_EQ(part.points, part.max_points) << part.name;
      EXPECT_EQ(part.reason, "") << part.name;
    }
  }
  EXPECT_TRUE(contains(linger.reason, "Earned 7 points of 12 points")) << linger.reason;
  EXPECT_TRUE(contains(linger.reason,
                       "- close-blocks (5 points): Expected close() with "
                       "SO_LINGER {1, 1} to block"))
      << linger.reason;
  EXPECT_TRUE(contains(linger.reason, "- data-and-fin (5 points): earned.")) << linger.reason;

  write_every_format(grade);
  expect_every_schema_holds();
  json gradescope = json_of(file("gradescope"));
  EXPECT_EQ(gradescope["score"], 95);
  bool seen = false;
  for (const json& test : gradescope["tests"]) {
    if (!contains(test["name"], "linger")) continue;
    seen = true;
    EXPECT_EQ(test["score"], 7) << test;
    EXPECT_EQ(test["max_score"], 12) << test;
    EXPECT_EQ(test["status"], "failed") << test;
    EXPECT_TRUE(contains(test["output"], "close() did not block")) << test;
  }
  EXPECT_TRUE(seen) << gradescope.dump(2);
  json own = json_of(file("json"))["grade"];
  for (const json& scenario : own["scenarios"]) {
    if (scenario["scenario"] != "linger") {
      EXPECT_EQ(scenario["parts"].size(), 0u) << scenario;
      continue;
    }
    EXPECT_EQ(scenario["points"], 7);
    EXPECT_EQ(scenario["parts"].size(), 3u) << scenario;
  }
  EXPECT_TRUE(contains(text_of(file("autolab")), "\"closing\":71.0")) << text_of(file("autolab"));
  EXPECT_NEAR(json_of(file("prairielearn"))["score"].get<double>(), 0.95, 1e-9);
  ConsumerVerdict prove = prove_verdict(file("tap"));
  EXPECT_NE(prove.exit_status, 0) << prove.output;  // linger is not ok: it lost points
}

TEST_F(GradeRender, AFailureOutsideThePartsLosesThemAll) {
  run("netns");
  Finding crash{"the server to keep running", "it was killed by SIGSEGV",
                "A crash ends every connection."};
  failed_linger(report_, {{"data-and-fin", true, {}}}, crash);
  Grade grade = grade_run(report_, manifest_);
  const GradedScenario& linger = graded_linger(grade);
  EXPECT_EQ(linger.points, 0);
  EXPECT_EQ(grade.points, 88);
  for (const GradedPart& part : linger.parts) {
    EXPECT_EQ(part.points, 0) << part.name;
    EXPECT_TRUE(contains(part.reason,
                         "lost with the whole scenario: Expected the server to keep "
                         "running; it was killed by SIGSEGV."))
        << part.reason;
  }
  write_every_format(grade);
  expect_every_schema_holds();
}

TEST_F(GradeRender, APartNeverReachedIsLostAndSaysSo) {
  run("netns");
  failed_linger(report_, {{"data-and-fin", true, {}}, {"others-served", false, kNoBlock}});
  Grade grade = grade_run(report_, manifest_);
  const GradedScenario& linger = graded_linger(grade);
  EXPECT_EQ(linger.points, 5);
  bool said = false;
  for (const GradedPart& part : linger.parts) {
    if (part.name != "close-blocks") continue;
    said = contains(part.reason, "not checked: the scenario ended before it reached this part");
  }
  EXPECT_TRUE(said) << linger.reason;
}

// Each consumer rejects a broken file: the checks above could fail.
class GradeConsumers : public GradeRender {
 protected:
  void SetUp() override {
    GradeRender::SetUp();
    write_every_format(grade_failed_build(manifest_, broken_build(), "netns"));
  }
  fs::path rewritten_json(const std::string& format, const std::function<void(json&)>& change) {
    json document = json_of(file(format));
    change(document);
    fs::path broken = folder_ / ("broken-" + grade_format_file(format));
    std::ofstream(broken) << document.dump(2);
    return broken;
  }
};

TEST_F(GradeConsumers, TheGradescopeSchemaRejectsAStatusOtherThanPassedOrFailed) {
  fs::path broken =
      rewritten_json("gradescope", [](json& results) { results["tests"][0]["status"] = "ok"; });
  ConsumerVerdict verdict = json_schema_verdict("gradescope-results.schema.json", broken);
  EXPECT_EQ(verdict.exit_status, 1) << verdict.output;
  EXPECT_TRUE(contains(verdict.output, "'ok' is not one of")) << verdict.output;
}

TEST_F(GradeConsumers, TheGradescopeSchemaRejectsAMisspeltField) {
  fs::path broken = rewritten_json("gradescope", [](json& results) {
    results["execution_tme"] = results["execution_time"];
    results.erase("execution_time");
  });
  ConsumerVerdict verdict = json_schema_verdict("gradescope-results.schema.json", broken);
  EXPECT_EQ(verdict.exit_status, 1) << verdict.output;
  EXPECT_TRUE(contains(verdict.output, "execution_tme")) << verdict.output;
}

TEST_F(GradeConsumers, ThePrairieLearnSchemaRejectsAScoreGivenAsAPercentage) {
  fs::path broken = rewritten_json("prairielearn", [](json& results) { results["score"] = 85; });
  ConsumerVerdict verdict = json_schema_verdict("prairielearn-results.schema.json", broken);
  EXPECT_EQ(verdict.exit_status, 1) << verdict.output;
}

TEST_F(GradeConsumers, TheGradeSchemaRejectsAGradeWithoutItsBuild) {
  fs::path broken = rewritten_json("json", [](json& report) { report["grade"].erase("build"); });
  ConsumerVerdict verdict = json_schema_verdict("socklab-grade.schema.json", broken);
  EXPECT_EQ(verdict.exit_status, 1) << verdict.output;
  EXPECT_TRUE(contains(verdict.output, "'build' is a required property")) << verdict.output;
}

TEST_F(GradeConsumers, TheJunitSchemaRejectsATimeInExponentNotation) {
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file(file("junit").c_str()));
  junit.child("testsuites").child("testsuite").child("testcase").attribute("time") = "1e-05";
  fs::path broken = folder_ / "broken-junit.xml";
  ASSERT_TRUE(junit.save_file(broken.c_str()));
  ConsumerVerdict verdict = junit_schema_verdict(broken);
  EXPECT_EQ(verdict.exit_status, 3) << verdict.output;
}

TEST_F(GradeConsumers, TheJunitSchemaRejectsATestcaseWithoutAClassname) {
  pugi::xml_document junit;
  ASSERT_TRUE(junit.load_file(file("junit").c_str()));
  pugi::xml_node test = junit.child("testsuites").child("testsuite").child("testcase");
  test.remove_attribute("classname");
  fs::path broken = folder_ / "broken-junit.xml";
  ASSERT_TRUE(junit.save_file(broken.c_str()));
  ConsumerVerdict verdict = junit_schema_verdict(broken);
  EXPECT_EQ(verdict.exit_status, 3) << verdict.output;
  EXPECT_TRUE(contains(verdict.output, "classname")) << verdict.output;
}

TEST_F(GradeConsumers, TheAutolabCheckRejectsFeedbackThatIsNotTheLineBeforeTheScores) {
  std::string text = text_of(file("autolab"));
  std::size_t scores = text.rfind("{\"scores\"");
  fs::path broken = folder_ / "broken-autolab.txt";
  std::ofstream(broken) << text.substr(0, scores) << "all done\n" << text.substr(scores);
  ConsumerVerdict verdict = autolab_verdict(broken);
  EXPECT_NE(verdict.exit_status, 0) << verdict.output;
}

TEST_F(GradeConsumers, ProveRejectsAPlanThatDoesNotMatchTheTests) {
  std::string tap = text_of(file("tap"));
  tap.replace(tap.find("\n1..9\n"), 6, "\n1..10\n");
  fs::path broken = folder_ / "broken-results.tap";
  std::ofstream(broken) << tap;
  ConsumerVerdict verdict = prove_verdict(broken);
  EXPECT_NE(verdict.exit_status, 0) << verdict.output;
  EXPECT_TRUE(contains(verdict.output, "Bad plan")) << verdict.output;
}

}  // namespace
