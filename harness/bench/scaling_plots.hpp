// The four plots of bench scaling (throughput, CPU and system calls per request, RSS, each
// against the number of idle connections), as one gnuplot script over scaling-median.csv.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace socklab::bench {

// The script's text: reads scaling-median.csv from its own folder, writes scaling-*.svg there.
std::string scaling_gnuplot_script(const std::vector<std::string>& labs,
                                   const std::vector<std::size_t>& idle_counts);

}  // namespace socklab::bench
