// One writer per grading platform, behind write_package() (package.hpp). Each checks that its
// output can be written before it starts, so a wrong -o fails at once and says why.
#pragma once

#include "harness/package/package.hpp"

namespace socklab::harness {

PackageSummary write_gradescope_package(const PackageRequest& request);
PackageSummary write_autolab_package(const PackageRequest& request);
PackageSummary write_github_classroom_package(const PackageRequest& request);

// The checks of `output` before anything is written, as PackageError: a file to create (its
// folder must exist and be writable, and it must not be a folder), or a folder to fill (created
// when missing; it must be writable).
void check_output_file(const std::filesystem::path& output, const std::string& expected);
void check_output_folder(const std::filesystem::path& output);

}  // namespace socklab::harness
