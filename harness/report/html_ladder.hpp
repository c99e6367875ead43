// A capture's ladder diagram as inline SVG for the HTML report, kept to a size a page can show.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace socklab::harness {

// The SVG document (without its XML declaration, so it can sit inside HTML) of the first
// `max_connections` connections in `capture` (plain or .gz pcap), folded as `socklab trace show`
// folds, each cut to `max_rows` rows (capped_rows). On a capture that cannot be read, an HTML
// paragraph saying why.
std::string inline_ladder(const std::filesystem::path& capture, std::size_t max_connections,
                          std::size_t max_rows);

}  // namespace socklab::harness
