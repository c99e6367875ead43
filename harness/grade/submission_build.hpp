// Building a student's submission: the files the lab's manifest names, copied over a clean copy
// of the lab's folder, compiled with the recipe lab-<lab> is built with, as an unprivileged
// user, under CPU, memory, output and time limits, in a network namespace of its own when
// namespaces are there (a compiler has no business on the network).
#pragma once

#include <filesystem>
#include <string>
#include <utility>

#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade.hpp"

namespace socklab::harness {

struct SubmissionBuildRequest {
  const LabManifest* manifest = nullptr;
  std::filesystem::path submission;   // the student's folder
  std::filesystem::path lab_folder;   // labs/NN-<lab>: the skeleton, handout and manifest
  std::filesystem::path recipe;       // lab-build-recipe.txt, generated next to socklab
  std::filesystem::path work;         // OUT/build: the copy, the log and the program
  bool own_network_namespace = true;  // false in loopback mode: no namespaces can be made
};

// A folder of socklab's own under /tmp, removed with this object: where the build runs and the
// program stays while it is graded. The grader's --out may sit below a folder that the
// unprivileged user the build and the program run as cannot enter (a 0700 home or mktemp -d);
// this one belongs to that user, mode 0700, so no other user (a classmate's program) enters it.
class BuildFolder {
 public:
  BuildFolder() = default;
  explicit BuildFolder(std::filesystem::path path) : path_(std::move(path)) {}
  BuildFolder(BuildFolder&& other) noexcept : path_(std::exchange(other.path_, {})) {}
  BuildFolder& operator=(BuildFolder&& other) noexcept;
  BuildFolder(const BuildFolder&) = delete;
  BuildFolder& operator=(const BuildFolder&) = delete;
  ~BuildFolder();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct BuiltSubmission {
  SubmissionBuild build;          // what the grade reports
  std::filesystem::path program;  // the program to grade when build.succeeded, in `folder`
  BuildFolder folder;             // keep it until the grading is over
};

// Never throws for the student's doing (a missing file, a compile error, a compiler that runs
// away): each is a failed build with its reason. Throws std::runtime_error when socklab itself
// cannot work (no recipe, an unwritable work folder).
BuiltSubmission build_submission(const SubmissionBuildRequest& request);

// labs/NN-<lab> for a lab: in the --labs folder when given, else in socklab's source tree.
std::filesystem::path lab_folder_of(const LabManifest& manifest, const std::string& labs_dir);

}  // namespace socklab::harness
