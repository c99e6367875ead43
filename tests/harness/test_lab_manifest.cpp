// A lab manifest is read exactly or refused with a message that names the file and the entry:
// a checkpoint's scenarios, the rubric's points and visibility, every scenario of the lab in
// exactly one checkpoint and one rubric entry, a rubric entry's parts exactly its scenario's.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "harness/engine/lab_manifest.hpp"
#include "harness/engine/scenario.hpp"

namespace socklab::harness {
namespace {

void nothing(ScenarioContext&) {}

// Two scenarios of a group of the test's own, registered once for every test here.
const Lab& test_lab() {
  static const bool registered = [] {
    register_scenario({.group = "manifest-test", .name = "first", .body = nothing});
    register_scenario({.group = "manifest-test",
                       .name = "second",
                       .parts = {"delivered", "no-spin"},
                       .body = nothing});
    return true;
  }();
  (void)registered;
  static const Lab lab{"manifest-test", "a lab for these tests", "manifest-test"};
  return lab;
}

const std::string kHeader = R"(
name = "manifest-test"
title = "A test lab"
number = 9
hours = 2.5
prerequisites = ["01-blocking"]
files = ["server.cpp"]
)";

const std::string kCheckpoints = R"(
[[checkpoint]]
title = "the first"
step = 2
scenarios = ["first"]

[[checkpoint]]
title = "the second"
step = 3
scenarios = ["second"]
)";

const std::string kRubric = R"(
[[rubric]]
scenario = "first"
points = 40
category = "correctness"
visibility = "visible"

[[rubric]]
scenario = "second"
points = 60
category = "closing"
visibility = "after_due_date"
)";

LabManifest parsed(const std::string& text) {
  return parse_lab_manifest(text, "09-manifest-test", "labs/09-manifest-test/lab.toml");
}

// The message of the error that `text` must be refused with.
std::string refusal(const std::string& text) {
  try {
    LabManifest manifest = parsed(text);
    validate_lab_manifest(manifest, test_lab());
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "(accepted)";
}

TEST(LabManifest, ReadsEveryFieldOfAValidManifest) {
  LabManifest manifest = parsed(kHeader + kCheckpoints + kRubric);
  EXPECT_NO_THROW(validate_lab_manifest(manifest, test_lab()));
  EXPECT_EQ(manifest.name, "manifest-test");
  EXPECT_EQ(manifest.number, 9);
  EXPECT_DOUBLE_EQ(manifest.hours, 2.5);
  EXPECT_EQ(manifest.files, std::vector<std::string>{"server.cpp"});
  ASSERT_EQ(manifest.checkpoints.size(), 2u);
  EXPECT_EQ(manifest.checkpoints[1].number, 2);
  EXPECT_EQ(manifest.checkpoints[1].step, 3);
  EXPECT_EQ(manifest.checkpoint_of("second"), &manifest.checkpoints[1]);
  EXPECT_EQ(manifest.checkpoint_of("third"), nullptr);
  ASSERT_EQ(manifest.rubric.size(), 2u);
  EXPECT_DOUBLE_EQ(manifest.rubric[1].points, 60);
  EXPECT_EQ(manifest.rubric[1].visibility, "after_due_date");
  EXPECT_EQ(manifest.handout(), "labs/09-manifest-test/README.md");
}

TEST(LabManifest, RefusesBrokenTomlSayingWhere) {
  std::string message = refusal(kHeader + "[[checkpoint]\ntitle = 1\n");
  EXPECT_NE(message.find("labs/09-manifest-test/lab.toml"), std::string::npos) << message;
  EXPECT_NE(message.find("line 8"), std::string::npos) << message;
}

TEST(LabManifest, RefusesAFieldOfTheWrongType) {
  std::string broken = kCheckpoints;
  broken.replace(broken.find("step = 2"), 8, "step = \"two\"");
  std::string message = refusal(kHeader + broken + kRubric);
  EXPECT_NE(message.find("checkpoint 1: 'step' must be a number"), std::string::npos) << message;
}

TEST(LabManifest, RefusesAScenarioTheLabDoesNotHave) {
  std::string broken = kCheckpoints;
  broken.replace(broken.find("[\"second\"]"), 10, "[\"second\", \"third\"]");
  std::string message = refusal(kHeader + broken + kRubric);
  EXPECT_NE(message.find("names 'third', which the manifest-test lab does not have"),
            std::string::npos)
      << message;
}

TEST(LabManifest, RefusesAScenarioLeftOutOfEveryCheckpoint) {
  std::string message =
      refusal(kHeader + kCheckpoints.substr(0, kCheckpoints.find("[[checkpoint]]", 10)) + kRubric);
  EXPECT_NE(message.find("scenario 'second' is in no checkpoint"), std::string::npos) << message;
}

TEST(LabManifest, RefusesAScenarioGradedTwice) {
  std::string twice = kRubric;
  twice.replace(twice.rfind("\"second\""), 8, "\"first\"");
  std::string message = refusal(kHeader + kCheckpoints + twice);
  EXPECT_NE(message.find("'first' appears 2 times in rubric entry"), std::string::npos) << message;
}

TEST(LabManifest, RefusesAVisibilityGradescopeDoesNotKnow) {
  std::string odd = kRubric;
  odd.replace(odd.find("\"visible\""), 9, "\"secret\"");
  std::string message = refusal(kHeader + kCheckpoints + odd);
  EXPECT_NE(message.find("rubric entry 1: visibility 'secret'"), std::string::npos) << message;
}

// The second scenario's rubric entry with parts, in `parts` (TOML inline table).
std::string with_parts(const std::string& parts, const std::string& points = "60") {
  std::string rubric = kRubric;
  rubric.replace(rubric.find("points = 60"), 11, "points = " + points + "\nparts = " + parts);
  return kHeader + kCheckpoints + rubric;
}

TEST(LabManifest, ReadsPartsInTheScenariosOrder) {
  LabManifest manifest = parsed(with_parts("{ no-spin = 20, delivered = 40 }"));
  validate_lab_manifest(manifest, test_lab());
  const std::vector<RubricPart>& parts = manifest.rubric[1].parts;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].name, "delivered");  // the scenario declares it first
  EXPECT_DOUBLE_EQ(parts[0].points, 40);
  EXPECT_EQ(parts[1].name, "no-spin");
  EXPECT_TRUE(manifest.rubric[0].parts.empty());
}

TEST(LabManifest, RefusesPartsThatDoNotAddUpToThePoints) {
  std::string message = refusal(with_parts("{ delivered = 40, no-spin = 10 }"));
  EXPECT_NE(message.find("rubric entry 2: its parts add up to 50 points, not the 60 of 'points'"),
            std::string::npos)
      << message;
}

TEST(LabManifest, RefusesAPartTheScenarioDoesNotHave) {
  std::string message = refusal(with_parts("{ delivered = 40, no-spin = 10, fast = 10 }"));
  EXPECT_NE(message.find("names part 'fast', which the scenario does not have (its parts are "
                         "delivered no-spin)"),
            std::string::npos)
      << message;
}

TEST(LabManifest, RefusesAPartLeftWithoutPoints) {
  // A part missing from the rubric would fail without costing anything: it must be named.
  std::string message = refusal(with_parts("{ delivered = 60 }"));
  EXPECT_NE(message.find("gives no points to part 'no-spin' (give it 0 to mean none)"),
            std::string::npos)
      << message;
  EXPECT_EQ(refusal(with_parts("{ delivered = 60, no-spin = 0 }")), "(accepted)");
}

TEST(LabManifest, RefusesPartsOnAScenarioWithoutParts) {
  std::string rubric = kRubric;
  rubric.replace(rubric.find("points = 40"), 11, "points = 40\nparts = { all = 40 }");
  std::string message = refusal(kHeader + kCheckpoints + rubric);
  EXPECT_NE(message.find("names part 'all', which the scenario does not have (it has none)"),
            std::string::npos)
      << message;
}

TEST(LabManifest, RefusesPartsThatAreNotPoints) {
  std::string message = refusal(with_parts("{ delivered = \"all\", no-spin = 20 }"));
  EXPECT_NE(message.find("part 'delivered' must have a number of points, 0 or more"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace socklab::harness
