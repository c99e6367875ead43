// The run as one web page (report.html beside report.json, or `socklab check --html FILE`):
// a summary, a row per scenario with its verdict, and for every failure what was expected,
// what happened and what it means in TCP terms, with the student's ladder diagram beside the
// reference's golden one. Self-contained: styles and pictures are inline, so the page opens
// offline in any browser, with no server; only the links to the pcap and logs point outside.
#pragma once

#include <filesystem>
#include <string>

#include "harness/report/result.hpp"

namespace socklab::harness {

// Throws std::runtime_error when the file cannot be written. A capture that cannot be read
// becomes a sentence in the page, not an error: the verdicts are still worth showing.
void write_html_report(const RunReport& report, const std::filesystem::path& file);

// A page in the report's style: `body` is HTML already escaped. For the pages that are not a
// run's (a submission that did not build). Throws std::runtime_error as above.
void write_html_page(const std::string& title, const std::string& body,
                     const std::filesystem::path& file);

}  // namespace socklab::harness
