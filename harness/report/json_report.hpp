// The whole run, machine-readable: what graders and scripts consume (`--json FILE`).
#pragma once

#include <filesystem>

#include "harness/report/result.hpp"

namespace socklab::harness {

// Throws std::runtime_error when the file cannot be written.
void write_json_report(const RunReport& report, const std::filesystem::path& file);

}  // namespace socklab::harness
