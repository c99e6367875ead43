// `socklab package gradescope|autolab|github-classroom LAB -o PATH`: writes a ready autograder
// for the lab (harness/package/package.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace socklab::harness {

struct PackageOptions {
  std::string platform;
  std::string lab;
  std::string output;
  std::string kit_dir;  // the socklab source tree to carry; empty: the one socklab was built from
};

CLI::App* add_package_command(CLI::App& app, PackageOptions& options);

// Exit status: 0 the package is written; 2 a usage error (unknown platform or lab) or a package
// that cannot be written, said in one sentence.
int run_package_command(const PackageOptions& options);

}  // namespace socklab::harness
