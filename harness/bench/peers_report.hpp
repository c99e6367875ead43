// PeersReport: what `socklab bench peers` prints and writes: the ratio tables (as text and as
// markdown), the target lines, and every single measurement as CSV rows.
#pragma once

#include <string>
#include <vector>

#include "harness/bench/csv_table.hpp"
#include "harness/bench/peers_summary.hpp"

namespace socklab::bench {

// "27.5k", "385k": requests/s to three significant figures.
std::string rate_text(double requests_per_second);
// "1.02 [0.97-1.05]"
std::string ratio_text(const PeerSpread& ratio);

// The tables for a terminal: ref-epoll-et against redis-server, then memcached against
// ref-epoll-et, each row a configuration; medians with [min-max] over the repetitions.
std::string peers_text_table(const std::vector<RatioRow>& rows);
// "target met: requests/s >= 1.1x redis-server at -P 16 (closest ping_inline -P 16 -c 50: 1.14x)"
std::string target_lines(const std::vector<TargetVerdict>& verdicts);
// The same tables in GitHub markdown.
std::string peers_markdown_table(const std::vector<RatioRow>& rows);

// repetition, client, test, pipeline, clients, server, protocol, rps, cpu_us_per_request.
CsvTable peers_csv(const std::vector<PeerSample>& samples);

}  // namespace socklab::bench
