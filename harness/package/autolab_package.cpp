// Autolab's convention (docs.autolabproject.com/lab/, and Autolab's autograders-examples): the
// assessment's autograder is autograde-Makefile and autograde.tar; Tango copies both, with the
// student's handin, into the grading container and runs `make`, and the last line of the output
// is the {"scores": {...}} line, keyed by the assessment's problem names.
#include <unistd.h>

#include "harness/package/kit_files.hpp"
#include "harness/package/platform_packages.hpp"
#include "harness/package/templates.hpp"
#include "harness/package/tool_process.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

// A private folder for the tar's contents, removed however packaging ends.
class StagingFolder {
 public:
  StagingFolder() {
    std::string pattern = (fs::temp_directory_path() / "socklab-package.XXXXXX").string();
    if (!::mkdtemp(pattern.data())) {
      throw PackageError("cannot make a temporary folder in " + fs::temp_directory_path().string());
    }
    path_ = pattern;
  }
  StagingFolder(const StagingFolder&) = delete;
  StagingFolder& operator=(const StagingFolder&) = delete;
  ~StagingFolder() {
    std::error_code ignored;  // a leftover temporary folder is untidy, not wrong
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// GNU tar (Essential in Debian and Ubuntu, so always there). Owner and group 0: the grading
// container's user cannot take on the packager's ids, and sorted names make the same kit give
// the same tar.
void write_tar(const fs::path& folder, const std::string& top, const fs::path& tar_file) {
  fs::path partial = tar_file.string() + ".partial";
  ToolRun run = run_tool({"tar", "--create", "--file", partial.string(), "--sort=name", "--owner=0",
                          "--group=0", "--numeric-owner", "-C", folder.string(), top},
                         /*with_stderr=*/true);
  std::error_code error;
  if (!run.ok()) {
    fs::remove(partial, error);
    throw PackageError("cannot write " + tar_file.string() + ": " +
                       (run.started ? "tar failed: " + run.output : "tar is not installed"));
  }
  fs::rename(partial, tar_file, error);
  if (error) throw PackageError("cannot write " + tar_file.string() + ": " + error.message());
}

}  // namespace

PackageSummary write_autolab_package(const PackageRequest& request) {
  check_output_folder(request.output);
  TemplateValues values = lab_template_values(*request.manifest);
  KitListing kit = list_kit_files(request.kit_dir);

  StagingFolder staging;
  const std::string top = "socklab-autograde";
  DirectorySink tree(staging.path() / top);
  tree.add_text("setup.sh", filled_template("setup.sh", values), kProgramMode);
  tree.add_text("grade.sh", filled_template("autolab_grade.sh", values), kProgramMode);
  add_kit(tree, request.kit_dir, kit, "socklab/");
  add_toml_headers(tree, request.toml_include_dir, "third_party/");
  write_tar(staging.path(), top, request.output / "autograde.tar");
  DirectorySink(request.output)
      .add_text("autograde-Makefile", filled_template("autolab_autograde-Makefile", values),
                kPlainFileMode);

  std::string problems;
  for (const auto& [category, points] : category_totals(*request.manifest)) {
    problems += (problems.empty() ? "" : ", ") + category + " (" + points + ")";
  }
  PackageSummary summary;
  summary.written = {request.output / "autograde-Makefile", request.output / "autograde.tar"};
  summary.kit_files = kit.files.size();
  summary.notes = kit_notes(kit);
  summary.next_steps = {
      "Build socklab into the grading image once, as root: tar -xf autograde.tar -C /opt && "
      "/opt/socklab-autograde/setup.sh",
      "In the assessment, name the problems after the rubric's categories, with these maximum "
      "scores: " +
          problems + "; set the handin filename to " + values["FILES"] +
          " (or handin.tar holding it), and upload autograde-Makefile and autograde.tar as the "
          "autograder. grade.sh stops socklab after 170 s (Autolab's default timeout is 180 s; "
          "GRADE_TIME_LIMIT_SECONDS in socklab-autograde/grade.sh follows it).",
  };
  return summary;
}

}  // namespace socklab::harness
