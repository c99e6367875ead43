// The ladder diagram as an SVG picture for slides and web pages: the same rows as the terminal
// version (ladder_text.hpp), with colour for what each segment means: SYN, FIN, RST, a
// tcp.analysis flag, or plain data and ACKs. The document is self-contained (no fonts, no CSS
// files), 900 pixels wide and as tall as its rows, readable at 100% zoom.
#pragma once

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

// Writes one SVG 1.1 document holding every connection, stacked top to bottom under a legend,
// each titled "connection N of TOTAL: ..." with N taken from `numbers` (1-based, one per
// connection: a caller that shows only connection 3 of 5 passes {3}). `fold_longer_than` as in
// ladder_rows (0 shows every segment), and at most `max_rows` rows per connection as in
// capped_rows (0: no limit). Throws std::invalid_argument if the sizes differ.
void write_svg_ladder(std::ostream& out, const std::vector<TcpConnection>& connections,
                      const std::vector<std::size_t>& numbers, std::size_t total_connections,
                      std::size_t fold_longer_than, std::size_t max_rows = 0);

// `text` with &, <, >, " and ' replaced by their XML entities: every string the picture shows
// goes through it, since addresses and labels end up inside elements and attributes.
std::string xml_escaped(std::string_view text);

}  // namespace socklab::harness
