#include "harness/package/package.hpp"

#include <unistd.h>

#include <cerrno>

#include "harness/package/platform_packages.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {

namespace fs = std::filesystem;

const std::vector<std::string>& package_platform_names() {
  static const std::vector<std::string> names = {"gradescope", "autolab", "github-classroom"};
  return names;
}

std::optional<PackagePlatform> package_platform_named(const std::string& name) {
  if (name == "gradescope") return PackagePlatform::gradescope;
  if (name == "autolab") return PackagePlatform::autolab;
  if (name == "github-classroom") return PackagePlatform::github_classroom;
  return std::nullopt;
}

fs::path built_with_toml_include_dir() { return SOCKLAB_PACKAGE_TOML_DIR; }

void check_output_file(const fs::path& output, const std::string& expected) {
  std::error_code error;
  if (fs::is_directory(output, error)) {
    throw PackageError("cannot write " + output.string() +
                       ": it is a folder; expected the path of " + expected);
  }
  fs::path folder = output.has_parent_path() ? output.parent_path() : fs::path(".");
  if (!fs::is_directory(folder, error)) {
    throw PackageError("cannot write " + output.string() + ": the folder " + folder.string() +
                       " does not exist");
  }
  if (::access(folder.c_str(), W_OK) != 0) {
    throw PackageError("cannot write " + output.string() + ": the folder " + folder.string() +
                       " is not writable (" + errno_text(errno) + ")");
  }
}

void check_output_folder(const fs::path& output) {
  std::error_code error;
  if (fs::exists(output, error) && !fs::is_directory(output, error)) {
    throw PackageError("cannot write into " + output.string() +
                       ": it is a file; expected a folder (made when missing)");
  }
  fs::create_directories(output, error);
  if (error) {
    throw PackageError("cannot create the folder " + output.string() + ": " + error.message());
  }
  if (::access(output.c_str(), W_OK) != 0) {
    throw PackageError("cannot write into " + output.string() + ": " + errno_text(errno));
  }
}

PackageSummary write_package(const PackageRequest& request) {
  if (!request.manifest) throw PackageError("no lab to package");
  switch (request.platform) {
    case PackagePlatform::gradescope:
      return write_gradescope_package(request);
    case PackagePlatform::autolab:
      return write_autolab_package(request);
    case PackagePlatform::github_classroom:
      return write_github_classroom_package(request);
  }
  throw PackageError("unknown grading platform");
}

}  // namespace socklab::harness
