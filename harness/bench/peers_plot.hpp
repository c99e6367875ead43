// The gnuplot script for peers.svg: one pair of bars per configuration, the requests/s ratio
// and the server-CPU-per-request ratio, each with its min-max range as an error bar, and the
// 1.0 line (parity) drawn across. The figures are written into the script itself, so the .gp
// file alone re-draws the plot.
#pragma once

#include <string>
#include <vector>

#include "harness/bench/peers_summary.hpp"

namespace socklab::bench {

// `svg_name`: the file the script writes, relative to the script's folder.
std::string peers_gnuplot_script(const std::vector<RatioRow>& rows, const std::string& svg_name);

}  // namespace socklab::bench
