#include "harness/trace/trace_diff.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace socklab::harness {
namespace {

struct Sends {
  std::string bytes;   // "65536"
  std::string ending;  // "FIN", "RST", "FIN, then RST", "still open"
};

Sends parse_sends(const std::string& value) {
  std::size_t space = value.find(' ');
  std::size_t comma = value.find(", ");
  std::string ending = comma == std::string::npos ? "" : value.substr(comma + 2);
  if (ending.rfind("then ", 0) == 0) ending = ending.substr(5);
  return {value.substr(0, space), ending};
}

std::string ending_words(const Sends& sends) {
  if (sends.ending == "still open") return fmt::format("{} bytes and never closes", sends.bytes);
  if (sends.ending.rfind("until", 0) == 0)
    return fmt::format("{} bytes of data, {}", sends.bytes, sends.ending);
  return fmt::format("{} after {} bytes of data", sends.ending, sends.bytes);
}

bool sent_reset(const Sends& sends) {
  const std::string tail = ", then RST";
  return sends.ending == "RST" ||
         (sends.ending.size() >= tail.size() &&
          sends.ending.compare(sends.ending.size() - tail.size(), tail.size(), tail) == 0);
}

// What a change of ending means, for the side that changed.
std::string ending_meaning(const Sends& expected, const Sends& actual) {
  if (sent_reset(actual) && !sent_reset(expected)) {
    return "A RST where a FIN was due means the socket was closed with unread bytes in its "
           "receive buffer, or with SO_LINGER {1, 0}: the kernel discards what was unsent and "
           "the peer may lose data it had not read yet.";
  }
  if (actual.ending.rfind("until", 0) == 0 && expected.ending.rfind("until", 0) != 0) {
    return "The peer reset the connection before this side had closed it: with the reference it "
           "had closed by then. Look at what happened first (often the check above: the harness "
           "gives up on a connection that stalls, and resets it).";
  }
  if (actual.ending == "still open") {
    return "Yours never closed its side: the connection was left open (a missing close() "
           "after EOF, or a leaked descriptor).";
  }
  if (expected.ending == actual.ending && expected.bytes != actual.bytes) {
    return "The data sent differs: bytes owed to the peer were not sent, or extra bytes were.";
  }
  return "The connection ended differently from the reference's.";
}

// "with the reference, the server sends ...; with yours, ..." for the side under test; the
// client is socklab's in both runs, so its differences are told as what it saw happen.
std::string explain_sends(const std::string& side, const TraceFact& expected,
                          const TraceFact& actual) {
  const std::string& golden_value = expected.accepted.front();
  Sends e = parse_sends(golden_value), a = parse_sends(actual.accepted.front());
  std::string golden_words = golden_value.find_first_of("*?[") == std::string::npos
                                 ? ending_words(e)
                                 : "\"" + expected.value_text() + "\"";
  if (side == "server") {
    return fmt::format("the reference server sends {}; yours sends {}. {}", golden_words,
                       ending_words(a), ending_meaning(e, a));
  }
  return fmt::format("with the reference, the client sends {}; with yours, it sends {}. {}",
                     golden_words, ending_words(a), ending_meaning(e, a));
}

std::string explain(const std::string& key, const TraceFact& expected, const TraceFact& actual) {
  const std::string want = expected.value_text(), got = actual.value_text();
  if (key == "client sends" || key == "server sends")
    return explain_sends(key.substr(0, 6), expected, actual);
  if (key == "zero window held by") {
    bool server_stopped_holding =
        want.find("server") != std::string::npos && got.find("server") == std::string::npos;
    return fmt::format(
        "a zero window held for a while: in the reference by {}; in yours by {}. "
        "A window stays at zero while its receiver has stopped reading.{}",
        want, got,
        server_stopped_holding
            ? " A server whose window never closes while a peer floods it without "
              "reading is still reading, and buffering or dropping what it cannot "
              "send: it has no backpressure."
            : "");
  }
  if (key == "keepalive probes") {
    return fmt::format(
        "keepalive probes: the reference shows {}; yours {}. Only keepalive "
        "probes (or an idle timer) notice a peer that vanished without a FIN or "
        "RST.",
        want, got);
  }
  if (key == "first to close") {
    return fmt::format("the first to close is, in the reference, the {}; in yours the {}.", want,
                       got);
  }
  if (key == "handshake") {
    return fmt::format("the handshake: in the reference {}; in yours {}.", want, got);
  }
  return fmt::format("{}: the reference shows {}; yours {}.", key, want, got);
}

std::vector<std::string> side_by_side(const NormalizedConnection* expected,
                                      const NormalizedConnection* actual) {
  std::vector<std::string> lines;
  auto header = [](const NormalizedConnection* block) {
    return block ? fmt::format("connection x{}", block->count)
                 : std::string("(no such connection)");
  };
  lines.push_back(fmt::format("  {:<46}    {}", "reference (golden)", "yours"));
  lines.push_back(fmt::format("  {:<46} {} {}", header(expected),
                              expected && actual && expected->count == actual->count ? "  " : "<>",
                              header(actual)));
  std::vector<std::string> keys;
  for (const auto* block : {expected, actual}) {
    if (!block) continue;
    for (const TraceFact& fact : block->facts) {
      if (std::find(keys.begin(), keys.end(), fact.key) == keys.end()) keys.push_back(fact.key);
    }
  }
  for (const std::string& key : keys) {
    const TraceFact* e = expected ? expected->fact(key) : nullptr;
    const TraceFact* a = actual ? actual->fact(key) : nullptr;
    bool same = e && a && e->accepts(*a);
    lines.push_back(fmt::format("  {:<46} {} {}", e ? key + ": " + e->value_text() : "",
                                same ? "  " : "<>", a ? key + ": " + a->value_text() : ""));
  }
  return lines;
}

}  // namespace

namespace {

int explanation_priority(const std::string& key) {
  if (key == "zero window held by") return 0;
  if (key == "server sends" || key == "keepalive probes") return 1;
  if (key == "handshake") return 2;
  if (key == "first to close") return 3;
  return 4;
}

// How many facts of `actual` the block `expected` accepts: the closest golden block is the one
// to explain a difference against.
std::size_t agreement(const NormalizedConnection& expected, const NormalizedConnection& actual) {
  std::size_t agreed = 0;
  for (const TraceFact& fact : expected.facts) {
    const TraceFact* other = actual.fact(fact.key);
    if (other && fact.accepts(*other)) ++agreed;
  }
  return agreed;
}

// `short_of[i]`: golden block i still lacks connections. The connection that behaves like no
// golden block is explained beside the closest block that lacks some (the flood that went
// wrong is told against the reference's flood, not against its healthy client), or beside
// the closest of all when none lacks any.
TraceDivergence unlike_any(const NormalizedTrace& expected, const std::vector<bool>& short_of,
                           const NormalizedConnection& actual) {
  TraceDivergence divergence;
  if (expected.connections.empty()) {
    divergence.explanation = "the reference made no TCP connection; yours did";
    divergence.side_by_side = side_by_side(nullptr, &actual);
    return divergence;
  }
  const NormalizedConnection* closest = nullptr;
  bool closest_short = false;
  for (std::size_t i = 0; i < expected.connections.size(); ++i) {
    const NormalizedConnection& block = expected.connections[i];
    bool better =
        !closest || (short_of[i] && !closest_short) ||
        (short_of[i] == closest_short && agreement(block, actual) > agreement(*closest, actual));
    if (better) {
      closest = &block;
      closest_short = short_of[i];
    }
  }
  // The difference to explain is the one that says most about the server: what the client
  // side did is mostly the harness reacting to it.
  const TraceFact* first = nullptr;
  const TraceFact* first_actual = nullptr;
  for (const TraceFact& fact : closest->facts) {
    const TraceFact* other = actual.fact(fact.key);
    if (other && fact.accepts(*other)) continue;
    if (!first || explanation_priority(fact.key) < explanation_priority(first->key)) {
      first = &fact;
      first_actual = other;
    }
  }
  if (first) {
    divergence.explanation = first_actual
                                 ? explain(first->key, *first, *first_actual)
                                 : fmt::format("yours says nothing about '{}'", first->key);
  } else {
    divergence.explanation = "the two list different facts (traces of different formats?)";
  }
  divergence.explanation =
      fmt::format("{} behave{} like none of the reference's; beside the closest: {}",
                  actual.count == 1 ? std::string("one connection of yours")
                                    : fmt::format("{} connections of yours", actual.count),
                  actual.count == 1 ? "s" : "", divergence.explanation);
  divergence.side_by_side = side_by_side(closest, &actual);
  return divergence;
}

}  // namespace

// Each block of `actual` is matched to the first golden block that accepts it, whatever the
// order the connections opened in; then every golden block must have been matched by as many
// connections as it counts.
std::optional<TraceDivergence> compare_traces(const NormalizedTrace& expected,
                                              const NormalizedTrace& actual) {
  std::vector<std::size_t> matched(expected.connections.size(), 0);
  std::vector<const NormalizedConnection*> examples(expected.connections.size(), nullptr);
  const NormalizedConnection* unmatched = nullptr;
  for (const NormalizedConnection& block : actual.connections) {
    auto golden = std::find_if(
        expected.connections.begin(), expected.connections.end(),
        [&](const NormalizedConnection& candidate) { return candidate.accepts(block); });
    if (golden == expected.connections.end()) {
      if (!unmatched) unmatched = &block;
      continue;
    }
    std::size_t index = static_cast<std::size_t>(golden - expected.connections.begin());
    matched[index] += block.count;
    examples[index] = &block;
  }
  if (unmatched) {
    std::vector<bool> short_of(expected.connections.size());
    for (std::size_t i = 0; i < short_of.size(); ++i) {
      short_of[i] = matched[i] < expected.connections[i].count;
    }
    return unlike_any(expected, short_of, *unmatched);
  }
  for (std::size_t i = 0; i < expected.connections.size(); ++i) {
    const NormalizedConnection& golden = expected.connections[i];
    if (matched[i] == golden.count) continue;
    TraceDivergence divergence;
    divergence.explanation =
        matched[i] == 0
            ? fmt::format(
                  "the reference made {} connection(s) like the block below; yours made none: "
                  "a kind of connection the reference made is missing from yours",
                  golden.count)
            : fmt::format(
                  "the reference made {} connection(s) that behave like this; yours made {}",
                  golden.count, matched[i]);
    divergence.side_by_side = side_by_side(&golden, examples[i]);
    return divergence;
  }
  return std::nullopt;
}

}  // namespace socklab::harness
