// `socklab check` and `socklab record`: plan the (lab, scenario) jobs, set up the sandbox once
// for the process, run the jobs, report; record then keeps or rewrites the golden traces.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace socklab::harness {

// What the command line asked for; check and record share it.
struct CheckOptions {
  std::string lab;
  bool all = false;
  std::string server;
  int jobs = 1;
  std::string out_dir = "out";
  std::string json_file;
  std::string html_file;  // --html: the report as a web page here, beside out/.../report.html
  bool no_netns = false;
  std::vector<std::string> scenarios;
  int checkpoint = 0;    // run checkpoints 1..N of the lab's manifest; 0: every scenario
  bool compare = false;  // print each failed scenario's trace beside the golden one
  // Checkpoint by checkpoint, stopping after the first that fails: a student's quick loop.
  bool until_failure = false;
  std::string labs_dir;  // read lab manifests from here instead of socklab's built-in copy
  std::uint64_t seed = 0x50c41ab;
  std::vector<std::string> server_arguments;
  std::string traces_dir = SOCKLAB_SOURCE_DIR "/traces";
};

// Exit status: 0 every scenario passed; 1 something failed; 2 usage or set-up error; 3 some
// scenarios could not be judged here; 130 interrupted.
int check(const CheckOptions& options);

// What `socklab grade` was asked for beyond a check's options.
struct GradeRequest {
  std::vector<std::string> formats;  // see grade_formats.hpp; empty: json
  std::string submission;            // --submission DIR: one student's files, built first
  std::string submissions;           // --submissions DIR: a subfolder per student
};

// `socklab grade LAB (--server PATH | --submission DIR | --submissions DIR)`: build when given
// files, check, then weigh the verdicts by the lab's rubric and write each format into
// options.out_dir. Where namespaces cannot be made it grades in loopback mode and says why.
// Exit status: 0 once the grade is written (a failed scenario or a broken build is a grade, not
// an error); 2 usage or set-up error; 130 interrupted.
int grade(const CheckOptions& options, const GradeRequest& request);

// Golden traces come from the references, and only with captures: namespaces are required.
// With `runs` > 1 every run after the first must leave the goldens unchanged; with
// `check_only` nothing is written and any difference is a failure (exit 1).
int record(CheckOptions options, int runs, bool check_only);

}  // namespace socklab::harness
