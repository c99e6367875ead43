// Comparing two normalized traces by TCP meaning, and saying in words where they part: "the
// reference server sends FIN after its last data (65536 bytes); yours sends RST after 40960
// bytes".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/trace/normalized_trace.hpp"

namespace socklab::harness {

struct TraceDivergence {
  std::string explanation;  // the first difference, in words, with its TCP meaning
  // The diverging connection block, side by side: "  key: expected   |   key: actual", with
  // "<>" marking the lines that differ.
  std::vector<std::string> side_by_side;
};

// nullopt when every connection block of `actual` is accepted by a block of `expected` and
// every block of `expected` is matched by as many connections as it counts (in any order).
std::optional<TraceDivergence> compare_traces(const NormalizedTrace& expected,
                                              const NormalizedTrace& actual);

}  // namespace socklab::harness
