#include "harness/report/html_report.hpp"

#include <fstream>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "harness/report/html_ladder.hpp"
#include "harness/trace/ladder_svg.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

// Ladders past this many connections are cut: the pattern shows in the first few. A bulk
// transfer has thousands of rows (every "Window Full" breaks a fold); 60 rows of 20 px keep
// the handshake, the start of the data and the close on about two screens.
constexpr std::size_t kLaddersShown = 3;
constexpr std::size_t kRowsShown = 60;

std::string escaped(std::string_view text) { return xml_escaped(text); }

constexpr const char* kStyle = R"css(
body { font: 16px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1900px;
       padding: 0 1.5em; color: #1d1d1f; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
.facts { color: #555; margin-top: 0; }
table { border-collapse: collapse; width: 100%; margin: 1em 0 2em; }
th, td { text-align: left; vertical-align: top; padding: 0.35em 0.7em;
         border-bottom: 1px solid #ddd; }
th { background: #f4f4f6; }
.verdict { font-weight: bold; white-space: nowrap; }
.passed { color: #1a7f37; } .failed { color: #c62828; }
.skipped { color: #8a6d00; } .error { color: #6a1b9a; }
section.failure { border-top: 3px solid #c62828; margin-top: 2.5em; padding-top: 0.5em; }
dl.finding dt { font-weight: bold; margin-top: 0.5em; }
dl.finding dd { margin-left: 1.5em; }
.ladders { display: flex; gap: 1.5em; flex-wrap: wrap; align-items: flex-start; }
.ladders figure { margin: 0; flex: 1 1 640px; min-width: 0; }
.ladders svg { width: 100%; height: auto; }
.ladders figcaption { font-weight: bold; margin-bottom: 0.4em; }
pre { background: #f7f7f9; padding: 0.8em; overflow-x: auto; font-size: 0.85em; }
.note { color: #555; font-style: italic; }
)css";

const char* verdict_word(Verdict verdict) {
  switch (verdict) {
    case Verdict::passed:
      return "passed";
    case Verdict::failed:
      return "failed";
    case Verdict::skipped:
      return "not judged here";
    case Verdict::error:
      return "harness error";
  }
  return "?";
}

std::string verdict_cell(Verdict verdict) {
  return std::string("<span class=\"verdict ") + verdict_name(verdict) + "\">" +
         verdict_word(verdict) + "</span>";
}

// Relative to the page, so that the folder can be zipped or moved as a whole and still link.
std::string artifact_link(const fs::path& artifact, const fs::path& page_folder,
                          const char* label) {
  if (artifact.empty()) return "";
  std::error_code error;
  fs::path shown = fs::relative(fs::absolute(artifact), fs::absolute(page_folder), error);
  if (error || shown.empty()) shown = fs::absolute(artifact);
  return "<a href=\"" + escaped(shown.generic_string()) + "\">" + label + "</a> ";
}

std::string anchor_of(const ScenarioResult& result) {
  return "failure-" + result.lab + "-" + result.scenario;
}

std::string one_line(const ScenarioResult& result) {
  if (result.verdict == Verdict::failed) {
    return "<a href=\"#" + escaped(anchor_of(result)) + "\">" + escaped(result.finding.happened) +
           "</a>";
  }
  return escaped(result.note);
}

std::string summary(const RunReport& report) {
  std::set<std::string> labs;
  for (const ScenarioResult& result : report.results) labs.insert(result.lab);
  std::string names;
  for (const std::string& lab : labs) names += (names.empty() ? "" : ", ") + lab;
  std::string html = "<h1>socklab: " + escaped(names) + "</h1>\n<p class=\"facts\">";
  html += std::to_string(report.count(Verdict::passed)) + " passed, " +
          std::to_string(report.count(Verdict::failed)) + " failed, " +
          std::to_string(report.count(Verdict::skipped)) + " not judged here, " +
          std::to_string(report.count(Verdict::error)) + " harness errors";
  html += " &middot; mode " + escaped(report.mode) + " &middot; kernel " + escaped(report.kernel) +
          " &middot; " + escaped(report.started_at) + " &middot; " +
          std::to_string(static_cast<long>(report.seconds + 0.5)) + " s";
  if (report.interrupted) html += " &middot; <strong>interrupted</strong>";
  html += "</p>\n";
  if (report.mode == "loopback") {
    html +=
        "<p class=\"note\">Loopback mode: scenarios that need hosts of their own (network "
        "namespaces) could not run here and are not judged, neither passed nor failed.</p>\n";
  }
  return html;
}

std::string scenario_table(const RunReport& report) {
  std::string html =
      "<table>\n<tr><th>scenario</th><th>checks</th><th>verdict</th><th>seconds</th>"
      "<th>what happened</th></tr>\n";
  for (const ScenarioResult& result : report.results) {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", result.seconds);
    html += "<tr><td>" + escaped(result.scenario) + "</td><td>" + escaped(result.purpose) +
            "</td><td>" + verdict_cell(result.verdict) + "</td><td>" + seconds + "</td><td>" +
            one_line(result) + "</td></tr>\n";
  }
  return html + "</table>\n";
}

std::string finding_list(const Finding& finding) {
  return "<dl class=\"finding\"><dt>Expected</dt><dd>" + escaped(finding.expected) +
         "</dd><dt>Happened</dt><dd>" + escaped(finding.happened) +
         "</dd><dt>What it means in TCP</dt><dd>" + escaped(finding.meaning) + "</dd></dl>\n";
}

std::string ladders(const ScenarioResult& result) {
  std::string html =
      "<div class=\"ladders\">\n<figure><figcaption>This server's wire"
      "</figcaption>\n";
  html += result.pcap.empty() || !fs::exists(result.pcap)
              ? "<p class=\"note\">Nothing was captured (loopback mode captures only where "
                "libpcap may open lo).</p>"
              : inline_ladder(result.pcap, kLaddersShown, kRowsShown);
  html += "</figure>\n<figure><figcaption>The reference's golden wire</figcaption>\n";
  fs::path golden = result.golden_trace.empty()
                        ? fs::path()
                        : fs::path(result.golden_trace).replace_extension(".pcap.gz");
  html += golden.empty() || !fs::exists(golden)
              ? "<p class=\"note\">No golden trace to compare with" +
                    (result.golden_error.empty() ? std::string(".")
                                                 : ": " + escaped(result.golden_error)) +
                    "</p>"
              : inline_ladder(golden, kLaddersShown, kRowsShown);
  return html + "</figure>\n</div>\n";
}

std::string failure_section(const ScenarioResult& result, const fs::path& page_folder) {
  std::string html = "<section class=\"failure\" id=\"" + escaped(anchor_of(result)) + "\">\n<h2>" +
                     escaped(result.scenario) + ": " + escaped(result.purpose) + "</h2>\n";
  if (result.checkpoint > 0) {
    html += "<p>Checkpoint " + std::to_string(result.checkpoint) + ", " +
            escaped(result.checkpoint_title) + " (step " + std::to_string(result.step) + " of " +
            escaped(result.handout) + ").</p>\n";
  }
  html += finding_list(result.finding);
  for (const PartResult& part : result.parts) {
    if (part.passed || part.finding.sentence() == result.finding.sentence()) continue;
    html += "<h3>Also failed: " + escaped(part.name) + "</h3>\n" + finding_list(part.finding);
  }
  if (!result.golden_divergence.empty()) {
    html += "<p><strong>Where the wire first differs from the reference's:</strong> " +
            escaped(result.golden_divergence) + "</p>\n";
  }
  html += ladders(result);
  if (!result.golden_side_by_side.empty()) {
    html += "<details><summary>The two normalized traces side by side</summary><pre>";
    for (const std::string& line : result.golden_side_by_side) html += escaped(line) + "\n";
    html += "</pre></details>\n";
  }
  if (!result.observations.empty()) {
    html += "<details><summary>What the scenario saw on the wire</summary><ul>";
    for (const std::string& seen : result.observations) html += "<li>" + escaped(seen) + "</li>";
    html += "</ul></details>\n";
  }
  html += "<p>Server " + escaped(result.server_exit) + ". " +
          artifact_link(result.pcap, page_folder, "capture (pcap, opens in Wireshark)") +
          artifact_link(result.stdout_log, page_folder, "server stdout") +
          artifact_link(result.stderr_log, page_folder, "server stderr") + "</p>\n";
  return html + "</section>\n";
}

}  // namespace

void write_html_page(const std::string& title, const std::string& body, const fs::path& file) {
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
      escaped(title) + "</title>\n<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n" +
      body + "</body>\n</html>\n";
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << html;
  out.close();
  if (!out) throw std::runtime_error("cannot write the HTML report " + file.string());
}

void write_html_report(const RunReport& report, const fs::path& file) {
  const fs::path page_folder = file.has_parent_path() ? file.parent_path() : fs::path(".");
  std::string body = summary(report) + scenario_table(report);
  for (const ScenarioResult& result : report.results) {
    if (result.verdict == Verdict::failed) body += failure_section(result, page_folder);
  }
  write_html_page("socklab report", body, file);
}

}  // namespace socklab::harness
