#include "harness/trace/normalized_trace.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "harness/trace/pcap_file.hpp"
#include "harness/trace/wire_checks.hpp"

namespace socklab::harness {
namespace {

constexpr const char* kHeader = "# socklab normalized trace, format 1";
const std::string kFactKeys[] = {"handshake",       "client SYNs",    "client sends",
                                 "server sends",    "first to close", "zero window held by",
                                 "keepalive probes"};

std::string handshake_outcome(const TcpConnection& connection) {
  bool syn = false, syn_ack = false, final_ack = false, refused = false;
  for (const ConnectionSegment& entry : connection.segments) {
    const TcpSegment& segment = entry.segment;
    if (entry.from == Side::client && segment.syn() && !segment.has_ack()) syn = true;
    if (entry.from == Side::server && segment.syn() && segment.has_ack()) syn_ack = true;
    if (entry.from == Side::server && segment.rst() && !syn_ack) refused = true;
    if (entry.from == Side::client && syn_ack && !segment.syn() && segment.has_ack())
      final_ack = true;
  }
  if (!syn) return "not captured";
  if (final_ack) return "complete";
  if (refused) return "refused (RST answered the SYN)";
  if (syn_ack) return "SYN-ACK never acknowledged";
  return "SYN unanswered";
}

// "65536 bytes, then FIN", "0 bytes, then RST", "300 bytes, until the client's RST",
// "4096 bytes, still open".
std::string what_side_sends(const TcpConnection& connection, Side side) {
  bool fin = false, rst = false, peer_fin = false, peer_rst = false;
  for (const ConnectionSegment& entry : connection.segments) {
    const TcpSegment& segment = entry.segment;
    if (entry.from != side) {
      peer_fin = peer_fin || segment.fin();
      peer_rst = peer_rst || (segment.rst() && !rst);
      continue;
    }
    // Once the peer has reset the connection, or both FINs have crossed, a RST from this side
    // answers a straggler (a segment reordered behind the peer's RST, a late ACK) for a
    // connection its kernel no longer has: it says nothing about how this side closed.
    if (segment.rst() && !(fin && peer_fin) && !peer_rst) rst = true;
    if (segment.fin() && !rst) fin = true;
  }
  std::string text = fmt::format("{} bytes", connection.data_bytes(side));
  if (fin) text += ", then FIN";
  if (rst) text += ", then RST";
  if (!fin && !rst) {
    text += peer_rst ? fmt::format(", until the {}'s RST", side_name(other(side))) : ", still open";
  }
  return text;
}

std::string first_to_close(const TcpConnection& connection) {
  for (const ConnectionSegment& entry : connection.segments) {
    if (entry.segment.rst()) return std::string(side_name(entry.from)) + " RST";
    if (entry.segment.fin()) return std::string(side_name(entry.from)) + " FIN";
  }
  return "nobody";
}

// A zero window that lasts means the receiver stopped reading: that is the lesson (a peer
// that does not read, a server applying backpressure). One that opens again within moments is
// a fast sender catching up with a reader, and comes and goes with timing: a loaded machine can
// stall the reader for a few hundred milliseconds, hence a whole second.
constexpr double kHeldZeroWindowSeconds = 1.0;

std::string zero_window_held_by(const TcpConnection& connection) {
  bool held[2] = {false, false};
  std::optional<double> closed_since[2];
  double end = connection.segments.empty() ? 0 : connection.segments.back().segment.time;
  for (const ConnectionSegment& entry : connection.segments) {
    int from = static_cast<int>(entry.from);
    if (entry.segment.syn() || entry.segment.rst()) continue;
    if (entry.window_bytes == 0) {
      if (!closed_since[from]) closed_since[from] = entry.segment.time;
    } else if (closed_since[from]) {
      held[from] = held[from] || entry.segment.time - *closed_since[from] >= kHeldZeroWindowSeconds;
      closed_since[from].reset();
    }
  }
  for (int side : {0, 1}) {
    if (closed_since[side] && end - *closed_since[side] >= kHeldZeroWindowSeconds)
      held[side] = true;
  }
  if (held[0] && held[1]) return "client, server";
  if (held[0]) return "client";
  if (held[1]) return "server";
  return "none";
}

// Keepalive probes per side; Linux's zero window probes, which have the same shape, are
// left out (how many a stall brings is timing).
std::string keepalive_probes(const TcpConnection& connection) {
  std::string text;
  for (Side side : {Side::client, Side::server}) {
    std::size_t count = keepalive_probe_times(connection, side).size();
    if (count == 0) continue;
    text += fmt::format("{}{} {}", text.empty() ? "" : ", ", side_name(side), count);
  }
  return text.empty() ? "none" : text;
}

int client_syns(const TcpConnection& connection) {
  return static_cast<int>(std::count_if(
      connection.segments.begin(), connection.segments.end(), [](const ConnectionSegment& entry) {
        return entry.from == Side::client && entry.segment.syn() && !entry.segment.has_ack();
      }));
}

NormalizedConnection normalize_one(const TcpConnection& connection) {
  NormalizedConnection normalized;
  auto add = [&](const char* key, std::string value) {
    normalized.facts.push_back({key, {std::move(value)}});
  };
  add("handshake", handshake_outcome(connection));
  add("client SYNs", std::to_string(client_syns(connection)));
  add("client sends", what_side_sends(connection, Side::client));
  add("server sends", what_side_sends(connection, Side::server));
  add("first to close", first_to_close(connection));
  add("zero window held by", zero_window_held_by(connection));
  add("keepalive probes", keepalive_probes(connection));
  return normalized;
}

bool same_facts(const NormalizedConnection& a, const NormalizedConnection& b) {
  if (a.facts.size() != b.facts.size()) return false;
  for (std::size_t i = 0; i < a.facts.size(); ++i) {
    if (a.facts[i].key != b.facts[i].key || a.facts[i].accepted != b.facts[i].accepted)
      return false;
  }
  return true;
}

std::string trim(const std::string& text) {
  std::size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  return text.substr(begin, text.find_last_not_of(" \t\r") - begin + 1);
}

}  // namespace

bool TraceFact::accepts(const TraceFact& actual) const {
  // A golden's value may be a glob ("* bytes, then RST"); fnmatch without flags lets "*" span
  // any text, and a value without "*", "?" or "[" matches only itself.
  auto accepted_here = [&](const std::string& value) {
    return std::any_of(accepted.begin(), accepted.end(), [&](const std::string& pattern) {
      return pattern == value || ::fnmatch(pattern.c_str(), value.c_str(), 0) == 0;
    });
  };
  return key == actual.key && !actual.accepted.empty() &&
         std::all_of(actual.accepted.begin(), actual.accepted.end(), accepted_here);
}

bool NormalizedConnection::accepts(const NormalizedConnection& actual) const {
  if (facts.size() != actual.facts.size()) return false;
  for (const TraceFact& expected : facts) {
    const TraceFact* found = actual.fact(expected.key);
    if (!found || !expected.accepts(*found)) return false;
  }
  return true;
}

std::string TraceFact::value_text() const {
  std::string text;
  for (const std::string& value : accepted) text += (text.empty() ? "" : " | ") + value;
  return text;
}

const TraceFact* NormalizedConnection::fact(const std::string& key) const {
  for (const TraceFact& candidate : facts) {
    if (candidate.key == key) return &candidate;
  }
  return nullptr;
}

void fold_identical_blocks(NormalizedTrace& trace) {
  std::vector<NormalizedConnection> folded;
  for (NormalizedConnection& block : trace.connections) {
    auto same = std::find_if(folded.begin(), folded.end(), [&](const NormalizedConnection& seen) {
      return same_facts(seen, block);
    });
    if (same != folded.end()) {
      same->count += block.count;
    } else {
      folded.push_back(std::move(block));
    }
  }
  trace.connections = std::move(folded);
}

NormalizedTrace normalize(const std::vector<TcpConnection>& connections) {
  NormalizedTrace trace;
  for (const TcpConnection& connection : connections)
    trace.connections.push_back(normalize_one(connection));
  fold_identical_blocks(trace);
  return trace;
}

std::string to_text(const NormalizedTrace& trace) {
  std::string text = std::string(kHeader) + "\n";
  for (const std::string& comment : trace.comments) text += "# " + comment + "\n";
  for (const NormalizedConnection& connection : trace.connections) {
    text += fmt::format("connection x{}\n", connection.count);
    for (const TraceFact& fact : connection.facts)
      text += "  " + fact.key + ": " + fact.value_text() + "\n";
  }
  if (trace.connections.empty()) text += "no TCP connections\n";
  return text;
}

NormalizedTrace parse_normalized_trace(const std::string& text) {
  NormalizedTrace trace;
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  auto bad = [&](const std::string& why) {
    // The line is quoted for the reader, cut short: a binary file misnamed .trace has no lines.
    std::string quoted = line.substr(0, 60);
    for (char& c : quoted) c = std::isprint(static_cast<unsigned char>(c)) ? c : '?';
    throw std::runtime_error(fmt::format("line {} of the trace: {} ('{}')", number, why, quoted));
  };
  while (std::getline(lines, line)) {
    ++number;
    std::string content = trim(line);
    if (number == 1 && content != kHeader)
      bad(std::string("expected the header '") + kHeader + "'");
    if (content.empty() || content == "no TCP connections" || number == 1) continue;
    if (content[0] == '#') {
      trace.comments.push_back(trim(content.substr(1)));
    } else if (content.rfind("connection x", 0) == 0) {
      NormalizedConnection connection;
      std::string count = content.substr(12);
      if (count.empty() || count.size() > 9 ||
          count.find_first_not_of("0123456789") != std::string::npos || std::stoul(count) == 0) {
        bad("expected 'connection xN' with a count of 1 or more");
      }
      connection.count = std::stoul(count);
      trace.connections.push_back(connection);
    } else {
      std::size_t colon = content.find(": ");
      if (colon == std::string::npos || trace.connections.empty())
        bad("expected 'key: value' inside a connection");
      TraceFact fact{content.substr(0, colon), {}};
      if (std::find(std::begin(kFactKeys), std::end(kFactKeys), fact.key) == std::end(kFactKeys)) {
        bad("'" + fact.key +
            "' is not a fact of format 1 (handshake, client SYNs, client sends, "
            "server sends, first to close, zero window held by, keepalive probes)");
      }
      std::string values = content.substr(colon + 2);
      for (std::size_t start = 0;;) {
        std::size_t bar = values.find(" | ", start);
        fact.accepted.push_back(trim(values.substr(start, bar - start)));
        if (bar == std::string::npos) break;
        start = bar + 3;
      }
      trace.connections.back().facts.push_back(fact);
    }
  }
  if (number == 0) throw std::runtime_error("the trace is empty: expected the header line");
  return trace;
}

NormalizedTrace load_normalized_trace(const std::string& path) {
  if (path.size() > 6 && path.compare(path.size() - 6, 6, ".trace") == 0) {
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    std::stringstream text;
    text << in.rdbuf();
    try {
      return parse_normalized_trace(text.str());
    } catch (const std::runtime_error& error) {
      throw std::runtime_error(path + ": " + error.what());
    }
  }
  PcapContents contents = read_pcap_file(path);
  if (!contents.truncated.empty()) {
    // A capture cut short says nothing about how its connections ended: refuse to judge it.
    throw std::runtime_error(path + " ends in the middle of a frame (" + contents.truncated +
                             "): the capture was cut while being written, so how its connections "
                             "ended is unknown");
  }
  return normalize(split_connections(contents.segments));
}

}  // namespace socklab::harness
