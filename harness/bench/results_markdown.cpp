#include "harness/bench/results_markdown.hpp"

#include <fstream>
#include <sstream>

#include "harness/bench/bench_error.hpp"

namespace socklab::bench {

std::string section_begin_marker(const std::string& marker_name) {
  return "<!-- " + marker_name + ": begin -->";
}

std::string section_end_marker(const std::string& marker_name) {
  return "<!-- " + marker_name + ": end -->";
}

void replace_marked_section(const std::filesystem::path& path, const std::string& marker_name,
                            const std::string& text) {
  std::string document;
  if (std::filesystem::exists(path)) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw BenchError("cannot read " + path.string());
    std::stringstream contents;
    contents << in.rdbuf();
    document = contents.str();
  }
  const std::string begin = section_begin_marker(marker_name);
  const std::string end = section_end_marker(marker_name);
  std::string body = text;
  if (!body.empty() && body.back() != '\n') body += '\n';

  const std::size_t begin_at = document.find(begin);
  if (begin_at == std::string::npos) {
    if (!document.empty() && document.back() != '\n') document += '\n';
    if (!document.empty()) document += '\n';
    document += begin + "\n" + body + end + "\n";
  } else {
    const std::size_t body_at = begin_at + begin.size();
    const std::size_t end_at = document.find(end, body_at);
    if (end_at == std::string::npos)
      throw BenchError(path.string() + " has `" + begin + "` but no `" + end +
                       "` after it; add the end marker where the generated section should stop");
    document.replace(body_at, end_at - body_at, "\n" + body);
  }

  // Written beside, then renamed over: an interrupted run never leaves half a file.
  std::filesystem::path partial = path;
  partial += ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << document;
    if (!out) throw BenchError("cannot write " + partial.string());
  }
  std::error_code renamed;
  std::filesystem::rename(partial, path, renamed);
  if (renamed) throw BenchError("cannot replace " + path.string() + ": " + renamed.message());
}

}  // namespace socklab::bench
