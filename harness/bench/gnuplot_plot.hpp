// Plots are drawn by gnuplot from a .gp script written next to the data, so that a user can
// edit the script and re-plot with `gnuplot FILE.gp` without running the benchmark again.
#pragma once

#include <filesystem>
#include <string>

namespace socklab::bench {

// Runs `gnuplot SCRIPT` in the script's folder (so its file names may be relative). False,
// with `why_not` a sentence for the user, when gnuplot is not installed or fails.
bool plot_with_gnuplot(const std::filesystem::path& script, std::string& why_not);

// A string as a gnuplot double-quoted literal: backslashes and quotes escaped.
std::string gnuplot_quoted(const std::string& text);

}  // namespace socklab::bench
