// How a load run is shown: a few lines for a person, or one CSV header and one data line for a
// spreadsheet or a script that appends many runs to one file.
#pragma once

#include <string>

#include "harness/load/load_run.hpp"

namespace socklab::load {

std::string text_report(const LoadResult& result);

// One indented line per kind of error that happened, saying what it means on the wire; "" when
// there were none.
std::string error_lines(const ErrorTally& errors);

// Columns: proto,connections,depth,idle,size,threads,seconds,requests,requests_per_second,
// p50_us,p99_us,p999_us,max_us,errors.
std::string csv_header();
std::string csv_line(const LoadResult& result);

}  // namespace socklab::load
