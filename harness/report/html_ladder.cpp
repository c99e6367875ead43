#include "harness/report/html_ladder.hpp"

#include <exception>
#include <sstream>
#include <vector>

#include "harness/trace/ladder_rows.hpp"
#include "harness/trace/ladder_svg.hpp"
#include "harness/trace/pcap_file.hpp"
#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

std::string inline_ladder(const std::filesystem::path& capture, std::size_t max_connections,
                          std::size_t max_rows) {
  try {
    std::vector<TcpConnection> connections = split_connections(read_pcap_file(capture).segments);
    if (connections.empty()) return "<p class=\"note\">No TCP connection in this capture.</p>";
    std::size_t total = connections.size();
    // A scenario with 200 clients would make a page nobody scrolls through: the first few
    // connections show the pattern, and the pcap holds the rest.
    if (connections.size() > max_connections) connections.resize(max_connections);
    std::vector<std::size_t> numbers;
    for (std::size_t i = 1; i <= connections.size(); ++i) numbers.push_back(i);
    std::ostringstream svg;
    write_svg_ladder(svg, connections, numbers, total, kDefaultFoldLongerThan, max_rows);
    std::string shown = svg.str();
    if (total > connections.size()) {
      shown += "<p class=\"note\">The first " + std::to_string(connections.size()) + " of " +
               std::to_string(total) + " connections; open the pcap for the others.</p>";
    }
    return shown;
  } catch (const std::exception& error) {
    return "<p class=\"note\">This capture cannot be drawn: " + xml_escaped(error.what()) + "</p>";
  }
}

}  // namespace socklab::harness
