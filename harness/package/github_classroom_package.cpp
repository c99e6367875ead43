// GitHub Classroom's autograding (classroom-resources/autograding-grading-reporter): a workflow
// named "Autograding Tests" with one job, run-autograding-tests, whose steps hand the reporter
// base64 JSON results; the reporter adds up the points and annotates the run, where Classroom
// reads them.
#include "harness/package/kit_files.hpp"
#include "harness/package/platform_packages.hpp"
#include "harness/package/templates.hpp"

namespace socklab::harness {

PackageSummary write_github_classroom_package(const PackageRequest& request) {
  check_output_folder(request.output);
  TemplateValues values = lab_template_values(*request.manifest);
  values["JSON_TEXT_FUNCTION"] = std::string(package_template("json_text.sh"));
  KitListing kit = list_kit_files(request.kit_dir);

  DirectorySink repository(request.output);
  // The kit first and the workflow last: a workflow never names a .socklab/ that is not whole.
  add_kit(repository, request.kit_dir, kit, ".socklab/socklab/");
  add_toml_headers(repository, request.toml_include_dir, ".socklab/third_party/");
  repository.add_text(".socklab/setup.sh", filled_template("setup.sh", values), kProgramMode);
  repository.add_text(".socklab/grade.sh", filled_template("github_classroom_grade.sh", values),
                      kProgramMode);
  repository.add_text(".github/workflows/socklab.yml",
                      filled_template("github_classroom_socklab.yml", values), kPlainFileMode);

  PackageSummary summary;
  summary.written = {request.output / ".github/workflows/socklab.yml", request.output / ".socklab"};
  summary.kit_files = kit.files.size();
  summary.notes = kit_notes(kit);
  summary.next_steps = {
      "Commit .github/ and .socklab/ into the assignment's template repository. Each push runs "
      "the workflow on ubuntu-24.04: it installs the kit's packages, builds socklab, grades the "
      "student's " +
          values["FILES"] + " (at the repository's root, or in labs/" + request.manifest->folder +
          "/) with sudo, and reports up to " + values["MAX_POINTS"] + " points.",
  };
  return summary;
}

}  // namespace socklab::harness
