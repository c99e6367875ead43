#include "harness/trace/ladder_svg.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <utility>

#include "harness/trace/ladder_rows.hpp"

namespace socklab::harness {
namespace {

// Geometry, in pixels. Monospace glyphs are about 0.6 em wide: a label of 90 characters at
// 12 px fits between the client's and the server's line, a longer one gets a smaller font.
constexpr int kWidth = 900;
constexpr int kMargin = 8;
constexpr int kTimeRight = 62;  // right edges of the time and frame columns
constexpr int kFrameRight = 112;
constexpr int kClientX = 150;
constexpr int kServerX = 830;
constexpr int kLabelWidth = kServerX - kClientX - 16;
constexpr int kLegendHeight = 34;
constexpr int kHeaderHeight = 96;  // title, summary and endpoint names, above the first row
constexpr int kRowHeight = 30;
// The arrowhead ends lower than the tail: a segment arrives after it was sent, as in the
// textbook ladder diagrams, even though both ends carry the one capture timestamp.
constexpr int kSlope = 8;
constexpr int kLifelineOverhang = 6;
constexpr int kBlockGap = 24;
constexpr double kGlyphWidth = 0.61;  // em: DejaVu Sans Mono and Menlo; Consolas is narrower

constexpr const char* kFonts = "DejaVu Sans Mono, Menlo, Consolas, monospace";
constexpr const char* kInk = "#212121";
constexpr const char* kMutedInk = "#616161";
constexpr const char* kRuleInk = "#e0e0e0";
constexpr const char* kBold = R"svg( font-weight="bold")svg";
constexpr const char* kItalic = R"svg( font-style="italic")svg";

// What a segment means, in the order that decides its colour when it means several things: a
// reset ends the connection, an analysis flag is what needs explaining, then closing, opening.
enum class Meaning { reset, flagged, close, handshake, plain };
constexpr Meaning kLegendOrder[] = {Meaning::handshake, Meaning::plain, Meaning::flagged,
                                    Meaning::close, Meaning::reset};

struct MeaningStyle {
  const char* id;  // names the arrowhead
  const char* colour;
  const char* legend;
};

const MeaningStyle& style_of(Meaning meaning) {
  static const MeaningStyle styles[] = {
      {"rst", "#c62828", "RST (reset)"},  {"flag", "#e65100", "tcp.analysis flag"},
      {"fin", "#2e7d32", "FIN (close)"},  {"syn", "#1565c0", "SYN (handshake)"},
      {"plain", "#424242", "data / ACK"},
  };
  return styles[static_cast<int>(meaning)];
}

Meaning meaning_of(const ConnectionSegment& entry) {
  if (entry.segment.rst()) return Meaning::reset;
  if (entry.analysis != 0) return Meaning::flagged;
  if (entry.segment.fin()) return Meaning::close;
  if (entry.segment.syn()) return Meaning::handshake;
  return Meaning::plain;
}

// Writes one element on a line of its own, so that the document reads and diffs line by line.
template <typename... Args>
void element(std::ostream& out, fmt::format_string<Args...> markup, Args&&... args) {
  out << fmt::format(markup, std::forward<Args>(args)...) << '\n';
}

struct TextStyle {
  int size;
  const char* fill;
  const char* anchor = "start";
  const char* extra = "";  // further attributes: weight, style
};

int estimated_width(std::string_view text, int size) {
  return static_cast<int>(static_cast<double>(text.size()) * size * kGlyphWidth);
}

// One line of text. A line wider than `max_width` is set in a smaller font rather than cut off,
// so a long label stays whole (textLength would squeeze it, but not every renderer obeys it).
void write_text(std::ostream& out, int x, int y, const TextStyle& style, std::string_view text,
                int max_width = 0) {
  double size = style.size;
  int natural = estimated_width(text, style.size);
  if (max_width > 0 && natural > max_width) size = std::floor(size * max_width / natural * 10) / 10;
  element(out, R"svg(<text x="{}" y="{}" font-size="{}" fill="{}" text-anchor="{}"{}>{}</text>)svg",
          x, y, size, style.fill, style.anchor, style.extra, xml_escaped(text));
}

void write_arrow(std::ostream& out, int tail_x, int head_x, int y, const MeaningStyle& style) {
  element(out,
          R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" )svg"
          R"svg(stroke="{}" stroke-width="1.5" marker-end="url(#socklab-head-{})"/>)svg",
          tail_x, y, head_x, y + kSlope, style.colour, style.id);
}

// xml:space="preserve" keeps the double spaces that part the fields of a label. SVG 1.1
// markers cannot take the colour of the line they end (context-stroke is SVG 2), so each
// meaning has an arrowhead of its own; the prefix keeps the ids apart in an HTML page.
void write_document_start(std::ostream& out, int height) {
  element(out,
          R"svg(<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{0}" )svg"
          R"svg(height="{1}" viewBox="0 0 {0} {1}" font-family="{2}" )svg"
          R"svg(xml:space="preserve">)svg",
          kWidth, height, kFonts);
  element(out, "<title>TCP ladder diagram</title>\n<defs>");
  for (Meaning meaning : kLegendOrder) {
    const MeaningStyle& style = style_of(meaning);
    element(out,
            R"svg(<marker id="socklab-head-{}" viewBox="0 0 10 8" refX="10" refY="4" )svg"
            R"svg(markerWidth="10" markerHeight="8" markerUnits="userSpaceOnUse" )svg"
            R"svg(orient="auto"><path d="M0,0 L10,4 L0,8 z" fill="{}"/></marker>)svg",
            style.id, style.colour);
  }
  element(out, R"svg(</defs>{}<rect width="{}" height="{}" fill="#ffffff"/>)svg", '\n', kWidth,
          height);
}

void write_legend(std::ostream& out) {
  int x = kMargin;
  for (Meaning meaning : kLegendOrder) {
    const MeaningStyle& style = style_of(meaning);
    write_arrow(out, x, x + 28, 10, style);
    write_text(out, x + 34, 21, {11, style.colour}, style.legend);
    x += 34 + estimated_width(style.legend, 11) + 16;
  }
  element(out, R"svg(<path d="M{},8 V28" stroke="{}" stroke-width="2" stroke-dasharray="4 4"/>)svg",
          x + 4, kMutedInk);
  write_text(out, x + 12, 21, {11, kMutedInk, "start", kItalic}, "folded: data and ACKs only");
}

// Title, summary, and the two endpoints above their lines; a rule parts it from the diagram
// above it.
void write_header(std::ostream& out, const TcpConnection& connection, std::size_t number,
                  std::size_t total, int top) {
  element(out, R"svg(<path d="M{},{}.5 H{}" stroke="{}"/>)svg", kMargin, top + 2, kWidth - kMargin,
          kRuleInk);
  int full_width = kWidth - 2 * kMargin;
  write_text(out, kMargin, top + 24, {14, kInk, "start", kBold},
             fmt::format("connection {} of {}: {}", number, total, connection.title()), full_width);
  write_text(out, kMargin, top + 42, {12, kMutedInk}, connection_summary(connection), full_width);
  for (Side side : {Side::client, Side::server}) {
    int x = side == Side::client ? kClientX : kServerX;
    write_text(out, x, top + 66, {13, kInk, "middle", kBold}, side_name(side));
    write_text(out, x, top + 81, {11, kMutedInk, "middle"}, connection.endpoint(side).text());
  }
  write_text(out, kTimeRight, top + 66, {11, kMutedInk, "end"}, "time (s)");
  write_text(out, kFrameRight, top + 66, {11, kMutedInk, "end"}, "frame");
}

// The two vertical lines, solid where every segment is drawn and dashed across a folded
// stretch, so that the segments left out read as a gap.
void write_lifelines(std::ostream& out, const std::vector<LadderRow>& rows, int rows_top) {
  std::string solid, dashed;
  std::size_t run_begin = 0;
  for (std::size_t i = 1; i <= rows.size(); ++i) {
    bool folded = rows[run_begin].segment == nullptr;
    if (i < rows.size() && (rows[i].segment == nullptr) == folded) continue;
    int y0 = rows_top + static_cast<int>(run_begin) * kRowHeight;
    int y1 = rows_top + static_cast<int>(i) * kRowHeight;
    if (run_begin == 0) y0 -= kLifelineOverhang;
    if (i == rows.size()) y1 += kLifelineOverhang;
    std::string& path = folded ? dashed : solid;
    for (int x : {kClientX, kServerX}) path += fmt::format("M{},{} V{} ", x, y0, y1);
    run_begin = i;
  }
  constexpr const char* kPath = R"svg(<path d="{}" stroke="{}" stroke-width="2"{}/>)svg";
  if (!solid.empty()) element(out, kPath, solid, kMutedInk, "");
  if (!dashed.empty()) element(out, kPath, dashed, kMutedInk, R"svg( stroke-dasharray="4 4")svg");
}

void write_segment_row(std::ostream& out, const ConnectionSegment& entry, int top) {
  const MeaningStyle& style = style_of(meaning_of(entry));
  bool to_server = entry.from == Side::client;
  TextStyle figures{11, kMutedInk, "end"};
  write_text(out, kTimeRight, top + 19, figures, fmt::format("{:.6f}", entry.since_start));
  write_text(out, kFrameRight, top + 19, figures, std::to_string(entry.segment.frame));
  write_text(out, (kClientX + kServerX) / 2, top + 11, {12, style.colour, "middle"},
             segment_label(entry), kLabelWidth);
  int tail_x = to_server ? kClientX : kServerX, head_x = to_server ? kServerX : kClientX;
  write_arrow(out, tail_x, head_x, top + 15, style);
}

void write_folded_row(std::ostream& out, const FoldedStretch& folded, int top) {
  write_text(out, (kClientX + kServerX) / 2, top + 19, {11, kMutedInk, "middle", kItalic},
             ". . . " + folded.text() + " . . .", kLabelWidth);
}

int block_height(const std::vector<LadderRow>& rows) {
  return kHeaderHeight + static_cast<int>(rows.size()) * kRowHeight + kBlockGap;
}

}  // namespace

std::string xml_escaped(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&apos;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

void write_svg_ladder(std::ostream& out, const std::vector<TcpConnection>& connections,
                      const std::vector<std::size_t>& numbers, std::size_t total_connections,
                      std::size_t fold_longer_than, std::size_t max_rows) {
  if (numbers.size() != connections.size()) {
    throw std::invalid_argument("write_svg_ladder: one number is needed per connection");
  }
  // The height must be in the opening tag, so the rows are laid out before anything is written.
  std::vector<std::vector<LadderRow>> rows_of;
  int height = kLegendHeight + (connections.empty() ? kHeaderHeight : 0);
  for (const TcpConnection& connection : connections) {
    rows_of.push_back(capped_rows(ladder_rows(connection, fold_longer_than), max_rows));
    height += block_height(rows_of.back());
  }
  write_document_start(out, height);
  write_legend(out);
  int top = kLegendHeight;
  for (std::size_t i = 0; i < connections.size(); ++i) {
    write_header(out, connections[i], numbers[i], total_connections, top);
    int row_top = top + kHeaderHeight;
    write_lifelines(out, rows_of[i], row_top);
    for (const LadderRow& row : rows_of[i]) {
      if (row.segment != nullptr)
        write_segment_row(out, *row.segment, row_top);
      else
        write_folded_row(out, row.folded, row_top);
      row_top += kRowHeight;
    }
    top += block_height(rows_of[i]);
  }
  if (connections.empty()) {
    write_text(out, kMargin, top + 24, {12, kMutedInk}, "no TCP connections");
  }
  out << "</svg>\n";
}

}  // namespace socklab::harness
