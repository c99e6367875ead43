// `socklab grade LAB --submissions DIR -j N --out OUT`: a whole class, each student graded by a
// socklab of its own (`grade --submission`), N at once, into OUT/<student>/; then OUT/grades.csv
// and OUT/summary.md (the score distribution, and for each scenario how many students failed
// it: what to teach again).
//
// Isolation: each student's scenarios run in network namespaces of their own, as always; when
// socklab is real root each student's code runs as a user of its own, owning a 0700 folder;
// and each student's socklab hides the submissions folder and the other students' folders
// behind an empty tmpfs in a mount namespace of its own. A student's program can reach neither
// another's server nor another's files.
#pragma once

#include <string>
#include <vector>

#include "harness/commands/run_labs.hpp"
#include "harness/engine/lab_manifest.hpp"

namespace socklab::harness {

int grade_class(const CheckOptions& options, const LabManifest& manifest,
                const std::vector<std::string>& formats, const GradeRequest& request);

// In a student's own socklab (the batch's child), before its first thread: hides the folders
// the batch named in its environment. Returns what was done, for the log. A machine without
// mount namespaces still grades, with the user separation alone; a failure once the hiding has
// begun throws (the student's own folder would be hidden too).
std::string hide_classmates();

}  // namespace socklab::harness
