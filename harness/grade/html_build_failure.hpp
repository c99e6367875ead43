// report.html for a submission that did not build: nothing ran, so the page holds what the
// student needs instead of verdicts: why the build failed, the compiler's first lines, the
// command that ran. Every feedback folder then has a page to open, whatever happened.
#pragma once

#include <filesystem>

#include "harness/grade/grade.hpp"

namespace socklab::harness {

// Throws std::runtime_error when the file cannot be written.
void write_html_build_failure(const Grade& grade, const std::filesystem::path& file);

}  // namespace socklab::harness
