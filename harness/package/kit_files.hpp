// The kit a package carries: the socklab source tree that socklab is built from where it grades,
// and toml++'s headers, which Ubuntu 22.04 does not package.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/package/package_sink.hpp"

namespace socklab::harness {

struct KitListing {
  std::vector<std::string> files;      // relative to the kit, '/'-separated, sorted
  std::vector<std::string> untracked;  // those of them git does not track yet
  bool from_git = false;
};

// In a git checkout: the files git tracks, and the new ones it would track (not ignored), so
// that a kit being worked on packages as it builds; elsewhere, the tree. Build folders
// (build*/, cmake-build*/), out/, .git and an older package's .socklab/ are never part of it.
// Throws PackageError when `kit_dir` does not hold the kit.
KitListing list_kit_files(const std::filesystem::path& kit_dir);

// What the instructor should know about the listing: the files included that git does not
// track yet (a kit being worked on), which a clone of the repository would lack.
std::vector<std::string> kit_notes(const KitListing& listing);

// Adds the listed files under `prefix` ("socklab/"), each with its owner's execute bit.
void add_kit(PackageSink& sink, const std::filesystem::path& kit_dir, const KitListing& listing,
             const std::string& prefix);

// Adds `include_dir`/toml++/ as `prefix`toml++/, with its licence where one is found beside it.
// Returns how many files were added; throws PackageError when there are no toml++ headers.
std::size_t add_toml_headers(PackageSink& sink, const std::filesystem::path& include_dir,
                             const std::string& prefix);

}  // namespace socklab::harness
