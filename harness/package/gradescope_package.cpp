// Gradescope's layout (gradescope-autograders.readthedocs.io/en/latest/specs/): the zip is
// unpacked into /autograder/source, setup.sh runs there once as root when the image is built,
// run_autograder is copied to /autograder/run_autograder and runs for every submission, with
// the student's files in /autograder/submission, and must leave
// /autograder/results/results.json.
#include "harness/package/kit_files.hpp"
#include "harness/package/platform_packages.hpp"
#include "harness/package/templates.hpp"
#include "harness/package/zip_writer.hpp"

namespace socklab::harness {

PackageSummary write_gradescope_package(const PackageRequest& request) {
  check_output_file(request.output, "the autograder zip to write (autograder.zip)");
  TemplateValues values = lab_template_values(*request.manifest);
  values["JSON_TEXT_FUNCTION"] = std::string(package_template("json_text.sh"));
  KitListing kit = list_kit_files(request.kit_dir);

  ZipWriter zip(request.output);
  zip.add_text("setup.sh", filled_template("setup.sh", values), kProgramMode);
  zip.add_text("run_autograder", filled_template("gradescope_run_autograder", values),
               kProgramMode);
  add_kit(zip, request.kit_dir, kit, "socklab/");
  add_toml_headers(zip, request.toml_include_dir, "third_party/");
  zip.finish();

  PackageSummary summary;
  summary.written = {request.output};
  summary.kit_files = kit.files.size();
  summary.notes = kit_notes(kit);
  summary.next_steps = {
      "In the assignment's Configure Autograder page, upload " +
          request.output.filename().string() +
          " (base image: Ubuntu 22.04). Building the image runs setup.sh: it installs the kit's "
          "packages and builds socklab, which takes a few minutes.",
      "Students submit " + values["FILES"] + "; run_autograder grades it with `socklab grade " +
          request.manifest->name +
          " --submission` and stops it after 540 s (the default time "
          "limit is 10 minutes; GRADE_TIME_LIMIT_SECONDS in run_autograder follows it).",
  };
  return summary;
}

}  // namespace socklab::harness
