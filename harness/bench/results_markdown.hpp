// bench/RESULTS.md is written by people and by socklab bench together: each bench command owns
// one section between two HTML comments (invisible when rendered) and replaces only that.
#pragma once

#include <filesystem>
#include <string>

namespace socklab::bench {

// "<!-- NAME: begin -->" and "<!-- NAME: end -->".
std::string section_begin_marker(const std::string& marker_name);
std::string section_end_marker(const std::string& marker_name);

// Replaces what lies between the two markers of `marker_name` in `path` with `text` (markers
// kept); appends the markers and `text` at the end when the file has no such section, and
// creates the file when it does not exist. Everything outside the section is left byte for
// byte. Throws BenchError when the file cannot be read or written, or holds a begin marker
// without its end.
void replace_marked_section(const std::filesystem::path& path, const std::string& marker_name,
                            const std::string& text);

}  // namespace socklab::bench
