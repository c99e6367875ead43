#include "harness/package/kit_files.hpp"

#include <algorithm>
#include <optional>
#include <sstream>

#include "harness/package/package.hpp"
#include "harness/package/tool_process.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

// Folders at the kit's top that hold what a build or a run made, or an older package.
bool left_out_top_folder(const std::string& name) {
  return name.rfind("build", 0) == 0 || name.rfind("cmake-build", 0) == 0 || name == "out" ||
         name == ".git" || name == ".cache" || name == ".socklab";
}

bool left_out(const std::string& relative) {
  std::string top = relative.substr(0, relative.find('/'));
  return top != relative && left_out_top_folder(top);
}

// `git ls-files -z` prints NUL-separated paths, so that no file name needs unquoting.
std::optional<std::vector<std::string>> git_files(const fs::path& kit_dir,
                                                  const std::vector<std::string>& which) {
  std::vector<std::string> argv = {"git", "-C", kit_dir.string(), "ls-files", "-z"};
  argv.insert(argv.end(), which.begin(), which.end());
  ToolRun run = run_tool(argv, /*with_stderr=*/false);
  if (!run.ok()) return std::nullopt;
  std::vector<std::string> files;
  std::istringstream entries(run.output);
  for (std::string entry; std::getline(entries, entry, '\0');) {
    if (!entry.empty()) files.push_back(entry);
  }
  return files;
}

// Only regular files travel: a path git still tracks but that was deleted, or a submodule's
// folder, has nothing to put in a package.
std::vector<std::string> present_files(const fs::path& kit_dir, std::vector<std::string> files) {
  std::vector<std::string> present;
  for (std::string& file : files) {
    if (left_out(file)) continue;
    std::error_code error;
    if (fs::is_regular_file(kit_dir / file, error)) present.push_back(std::move(file));
  }
  std::sort(present.begin(), present.end());
  return present;
}

std::vector<std::string> walked_files(const fs::path& kit_dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator walk(kit_dir, error), end; !error && walk != end;
       walk.increment(error)) {
    std::string name = walk->path().filename().string();
    if (walk->is_directory() &&
        (name == ".git" || (walk.depth() == 0 && left_out_top_folder(name)))) {
      walk.disable_recursion_pending();
      continue;
    }
    if (walk->is_regular_file())
      files.push_back(fs::relative(walk->path(), kit_dir).generic_string());
  }
  if (error)
    throw PackageError("cannot read the kit at " + kit_dir.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

KitListing list_kit_files(const fs::path& kit_dir) {
  if (!fs::is_regular_file(kit_dir / "CMakeLists.txt") || !fs::is_directory(kit_dir / "harness")) {
    throw PackageError("the kit's source is not at " + kit_dir.string() +
                       " (expected its CMakeLists.txt and harness/ there): give the socklab "
                       "source tree with --kit DIR");
  }
  KitListing listing;
  if (fs::exists(kit_dir / ".git")) {
    std::optional<std::vector<std::string>> tracked = git_files(kit_dir, {"--cached"});
    std::optional<std::vector<std::string>> untracked =
        git_files(kit_dir, {"--others", "--exclude-standard"});
    if (tracked && untracked) {
      listing.from_git = true;
      listing.untracked = present_files(kit_dir, *untracked);
      std::vector<std::string> all = *tracked;
      all.insert(all.end(), listing.untracked.begin(), listing.untracked.end());
      listing.files = present_files(kit_dir, all);
      listing.files.erase(std::unique(listing.files.begin(), listing.files.end()),
                          listing.files.end());
      return listing;
    }
    // git is not installed, or refuses the checkout (another user's, say): the tree it is.
  }
  listing.files = walked_files(kit_dir);
  return listing;
}

std::vector<std::string> kit_notes(const KitListing& listing) {
  if (listing.untracked.empty()) return {};
  std::string names;
  for (std::size_t i = 0; i < listing.untracked.size() && i < 5; ++i) {
    names += (names.empty() ? "" : ", ") + listing.untracked[i];
  }
  if (listing.untracked.size() > 5) names += ", ...";
  return {std::to_string(listing.untracked.size()) +
          " files of the kit that git does not track yet are included (" + names +
          "): commit them, or a package made from a clone will lack them"};
}

void add_kit(PackageSink& sink, const fs::path& kit_dir, const KitListing& listing,
             const std::string& prefix) {
  for (const std::string& file : listing.files) {
    sink.add_copy(prefix + file, kit_dir / file, permission_bits(kit_dir / file));
  }
}

std::size_t add_toml_headers(PackageSink& sink, const fs::path& include_dir,
                             const std::string& prefix) {
  fs::path headers = include_dir / "toml++";
  if (!fs::exists(headers / "toml.h") && !fs::exists(headers / "toml.hpp")) {
    throw PackageError("toml++'s headers are not in " + headers.string() +
                       " (expected toml.h or toml.hpp there): the packages bring them to "
                       "machines without toml++ (Ubuntu 22.04)");
  }
  std::vector<std::string> files;
  std::error_code error;
  for (fs::recursive_directory_iterator walk(headers, error), end; !error && walk != end;
       walk.increment(error)) {
    if (walk->is_regular_file())
      files.push_back(fs::relative(walk->path(), headers).generic_string());
  }
  if (error) throw PackageError("cannot read " + headers.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  for (const std::string& file : files) {
    sink.add_copy(prefix + "toml++/" + file, headers / file, kPlainFileMode);
  }
  // toml++ is MIT-licensed: its notice goes with the copy. Debian keeps it with the package's
  // documentation; a release tree has LICENSE beside include/.
  fs::path licence = include_dir == "/usr/include"
                         ? fs::path("/usr/share/doc/libtomlplusplus-dev/copyright")
                         : include_dir.parent_path() / "LICENSE";
  if (!fs::is_regular_file(licence, error)) return files.size();
  sink.add_copy(prefix + "toml++.LICENSE", licence, kPlainFileMode);
  return files.size() + 1;
}

}  // namespace socklab::harness
