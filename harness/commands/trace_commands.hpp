// `socklab trace show` and `socklab trace diff`: reading a capture back as TCP conversations.
#pragma once

#include <cstddef>
#include <string>

namespace socklab::harness {

struct TraceShowOptions {
  std::string file;
  std::string svg_file;          // also write the ladders as SVG here
  std::size_t connection = 0;    // 1-based; 0 shows every connection
  bool every_segment = false;    // no folding of uneventful stretches
  std::size_t max_rows = 0;      // --max-rows: rows per connection at most (0: all)
  bool normalized = false;       // instead of ladders: the normalized trace (.trace form)
  bool analysis_fields = false;  // instead of ladders: "frame<TAB>tcp.analysis fields" lines
};

// Exit status 0, or 2 with a message on stderr when the file cannot be read.
int trace_show(const TraceShowOptions& options);

// Exit status 0 when EXPECTED and ACTUAL mean the same in TCP terms, 1 with the first
// divergence explained when they do not, 2 when a file cannot be read.
int trace_diff(const std::string& expected, const std::string& actual);

}  // namespace socklab::harness
