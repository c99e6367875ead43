// LabManifest: labs/NN-<lab>/lab.toml, what a lab is to its students and graders: the files a
// student submits, the checkpoints (ordered groups of scenarios, each checking one step of the
// handout) and the rubric (points per scenario). socklab carries a copy of every manifest,
// taken when it was built; `--labs DIR` reads them from DIR instead.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/labs.hpp"

namespace socklab::harness {

struct Checkpoint {
  int number = 0;  // 1-based, in handout order
  std::string title;
  int step = 0;  // the handout step it checks
  std::vector<std::string> scenarios;
};

// Points for one part of a scenario (ScenarioSpec::parts): its own check, earned on its own.
struct RubricPart {
  std::string name;  // "close-blocks"
  double points = 0;
};

struct RubricEntry {
  std::string scenario;
  double points = 0;       // the parts' sum when the entry has parts
  std::string category;    // correctness, concurrency, closing, robustness, resources
  std::string visibility;  // visible, after_due_date, hidden (Gradescope's words)
  // Empty: all or nothing. Otherwise every part of the scenario, in the scenario's order:
  // `parts = { data-and-fin = 6, close-blocks = 4, others-served = 2 }`.
  std::vector<RubricPart> parts;
};

struct LabManifest {
  std::string folder;  // "05-epoll-et"
  std::string name;    // "epoll-et"
  std::string title;
  int number = 0;
  double hours = 0;
  std::vector<std::string> prerequisites;
  std::vector<std::string> files;  // what a student edits and submits
  std::vector<Checkpoint> checkpoints;
  std::vector<RubricEntry> rubric;

  const Checkpoint* checkpoint_of(const std::string& scenario) const;  // null: in none
  std::string handout() const { return "labs/" + folder + "/README.md"; }
};

// Parses one manifest; `origin` names it in errors. Throws std::runtime_error saying what is
// wrong and where ("labs/05-epoll-et/lab.toml: checkpoint 2: 'step' must be a number").
LabManifest parse_lab_manifest(const std::string& toml_text, const std::string& folder,
                               const std::string& origin);

// Checks a manifest against its lab's scenarios: every scenario in exactly one checkpoint and
// one rubric entry, no name the lab lacks, a rubric entry's parts exactly its scenario's parts.
// Puts those parts in the scenario's order. Throws std::runtime_error naming the problem.
void validate_lab_manifest(LabManifest& manifest, const Lab& lab);

// Every manifest, from the copy built into socklab or, once use_lab_manifests_from() was
// called, from that folder; validated on first use (a bad manifest throws then).
const std::vector<LabManifest>& lab_manifests();
void use_lab_manifests_from(const std::filesystem::path& labs_folder);
const LabManifest* manifest_of(const Lab& lab);

}  // namespace socklab::harness
