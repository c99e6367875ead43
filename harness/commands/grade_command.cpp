// `socklab grade`: one program (--server), one student's files (--submission) or a whole
// class (--submissions, in grade_class.cpp), scored by the lab's rubric.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "harness/commands/grade_class.hpp"
#include "harness/commands/run_steps.hpp"
#include "harness/engine/lab_manifest.hpp"
#include "harness/grade/grade_formats.hpp"
#include "harness/grade/html_build_failure.hpp"
#include "harness/grade/submission_build.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

void print_build(const SubmissionBuild& build) {
  for (const std::string& note : build.notes) std::printf("build: note: %s\n", note.c_str());
  if (build.succeeded) {
    std::printf("build: compiled in %.1f s\n", build.seconds);
    return;
  }
  std::printf("build: FAILED: %s\n", build.problem.c_str());
  if (!build.compiler_output.empty()) std::printf("%s", build.compiler_output.c_str());
}

int write_formats(const Grade& graded, const std::vector<std::string>& formats,
                  const fs::path& out_dir) {
  std::printf("%s", grade_table(graded).c_str());
  fs::create_directories(out_dir);
  for (const std::string& format : formats) {
    fs::path file = out_dir / grade_format_file(format);
    write_grade(format, graded, file);
    std::printf("%s written: %s\n", format.c_str(), file.c_str());
  }
  return 0;
}

// A batch gives each student's grade a user of its own (grade_class.cpp); the variable is
// socklab's own, set for its child, not a user-facing option.
void adopt_student_user() {
  const char* id = std::getenv("SOCKLAB_STUDENT_UID");
  if (!id) return;
  char* end = nullptr;
  long value = std::strtol(id, &end, 10);
  if (end != id && *end == '\0' && value > 0) set_unprivileged_user(value);
}

}  // namespace

int grade(const CheckOptions& given, const GradeRequest& request) {
  CheckOptions options = given;
  if (!load_manifests(options)) return 2;
  if (options.all) return usage_error("grade one LAB at a time");
  int sources =
      !options.server.empty() + !request.submission.empty() + !request.submissions.empty();
  if (sources != 1) {
    return usage_error(
        "what should be graded? give one of --server PATH (a ready program), --submission DIR "
        "(one student's files) or --submissions DIR (a folder per student)");
  }
  const Lab* lab = find_lab(options.lab);
  if (!lab) return usage_error("no lab named '" + options.lab + "' (see `socklab list`)");
  const LabManifest* manifest = manifest_of(*lab);
  if (!manifest) return usage_error("the " + lab->name + " lab has no rubric (no lab.toml)");
  std::vector<std::string> formats =
      request.formats.empty() ? std::vector<std::string>{"json"} : request.formats;
  for (const std::string& format : formats) {
    const auto& known = grade_format_names();
    if (std::find(known.begin(), known.end(), format) == known.end()) {
      return usage_error("no grade format named '" + format +
                         "' (json, gradescope, junit, tap, autolab, prairielearn)");
    }
  }
  if (!request.submissions.empty()) return grade_class(options, *manifest, formats, request);

  std::vector<ScenarioJob> jobs;
  // A ready program is checked before anything is set up; a submission's exists only once built.
  if (!options.server.empty()) {
    if (int status = plan_jobs(options, jobs); status != 0) return status;
  } else if (!fs::is_directory(request.submission)) {
    return usage_error("--submission " + request.submission +
                       ": no such folder (give the folder holding the student's " +
                       manifest->files.front() + ")");
  }
  adopt_student_user();
  std::string mode_reason = prepare_process_or_loopback(options, [] {
    if (std::string hidden = hide_classmates(); !hidden.empty())
      std::printf("isolation: %s\n", hidden.c_str());
  });
  std::string mode = options.no_netns ? "loopback" : "netns";
  SubmissionBuild build;
  BuiltSubmission built;  // its folder holds the program until the grading is over
  if (!request.submission.empty()) {
    SubmissionBuildRequest build_request;
    build_request.manifest = manifest;
    build_request.submission = fs::absolute(request.submission);
    build_request.lab_folder = lab_folder_of(*manifest, options.labs_dir);
    build_request.recipe =
        fs::read_symlink("/proc/self/exe").parent_path() / "lab-build-recipe.txt";
    build_request.work = fs::absolute(options.out_dir) / "build";
    build_request.own_network_namespace = !options.no_netns;
    built = build_submission(build_request);
    build = built.build;
    print_build(build);
    if (!build.succeeded) {
      // Nothing ran: a report.json left by an earlier grade in this folder must not be merged.
      std::error_code ignored;
      fs::remove(fs::path(options.out_dir) / "report.json", ignored);
      Grade graded = grade_failed_build(*manifest, build, mode);
      graded.mode_reason = mode_reason;
      int status = write_formats(graded, formats, options.out_dir);
      // The page every feedback folder has says why nothing ran, instead of an old run's verdicts.
      write_html_build_failure(graded, fs::path(options.out_dir) / "report.html");
      return status;
    }
    options.server = built.program.string();
    if (int status = plan_jobs(options, jobs); status != 0) return status;
  }
  RunReport report = run_planned(jobs, options);
  if (report.interrupted) return 130;
  Grade graded = grade_run(report, *manifest);
  if (!options.scenarios.empty()) {
    // A partial grade on purpose (a TA re-grading one scenario): say so where the points went.
    for (GradedScenario& scenario : graded.scenarios) {
      if (!scenario.result) scenario.reason = "not graded: this grade covers only --scenario";
    }
  }
  graded.mode_reason = mode_reason;
  graded.build = build;
  return write_formats(graded, formats, options.out_dir);
}

}  // namespace socklab::harness
