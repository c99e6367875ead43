// `socklab package PLATFORM LAB -o PATH`: a ready autograder for one lab. Each package carries
// the kit's source and builds socklab where it grades, so the grader is the same program a
// student runs with `socklab check`:
//   gradescope        a zip with setup.sh and run_autograder at its root (Gradescope's layout)
//   autolab           autograde-Makefile and autograde.tar (Autolab's Tango runs `make`)
//   github-classroom  .github/workflows/socklab.yml and .socklab/ (the Classroom reporter's format)
#pragma once

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/engine/lab_manifest.hpp"

namespace socklab::harness {

enum class PackagePlatform { gradescope, autolab, github_classroom };

// "gradescope", "autolab", "github-classroom": the names `socklab package` takes.
const std::vector<std::string>& package_platform_names();
std::optional<PackagePlatform> package_platform_named(const std::string& name);

struct PackageRequest {
  PackagePlatform platform = PackagePlatform::gradescope;
  const LabManifest* manifest = nullptr;
  // The zip file (gradescope), or the folder the files go into (autolab, github-classroom).
  std::filesystem::path output;
  std::filesystem::path kit_dir;           // the socklab source tree the package carries
  std::filesystem::path toml_include_dir;  // the folder holding toml++/ (see below)
};

// What was written, for the command to print: the files, and what the instructor does next.
struct PackageSummary {
  std::vector<std::filesystem::path> written;
  std::size_t kit_files = 0;
  std::vector<std::string> notes;       // "2 files git does not track yet were included: ..."
  std::vector<std::string> next_steps;  // "Upload autograder.zip as the assignment's ..."
};

// A package that cannot be written, in one sentence saying what was expected and what
// happened: "cannot write /x/y.zip: the folder /x does not exist".
class PackageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Writes the package; throws PackageError when it cannot. Nothing is left half-written at
// `output`: each file is written under a temporary name and renamed into place.
PackageSummary write_package(const PackageRequest& request);

// The folder holding toml++/ that this socklab was built with (Ubuntu 22.04 has no toml++
// package, so every package brings these headers along).
std::filesystem::path built_with_toml_include_dir();

}  // namespace socklab::harness
