// Where a tool the benchmarks run (taskset, perf, strace, gnuplot) is installed: the first
// executable of that name in PATH, as a shell would find it.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace socklab::bench {

std::optional<std::filesystem::path> find_in_path(const std::string& name);

// The same, or a BenchError naming the Debian package that brings it.
std::filesystem::path require_tool(const std::string& name, const std::string& debian_package);

}  // namespace socklab::bench
