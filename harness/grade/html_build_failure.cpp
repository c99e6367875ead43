#include "harness/grade/html_build_failure.hpp"

#include "harness/grade/grade_text.hpp"
#include "harness/report/html_report.hpp"
#include "harness/trace/ladder_svg.hpp"

namespace socklab::harness {

void write_html_build_failure(const Grade& grade, const std::filesystem::path& file) {
  const SubmissionBuild& build = grade.build;
  std::string body = "<h1>socklab grade: the " + xml_escaped(grade.lab) + " lab</h1>\n" +
                     "<p class=\"facts\">" + xml_escaped(detail::score_line(grade)) + "</p>\n" +
                     "<section class=\"failure\">\n<h2 class=\"failed\">Build failed</h2>\n<p>" +
                     xml_escaped(detail::build_text(grade)) + "</p>\n";
  if (!build.compiler_output.empty()) {
    body += "<h3>The compiler's first lines</h3>\n<pre>" + xml_escaped(build.compiler_output) +
            "</pre>\n";
  }
  if (!build.command.empty()) {
    body += "<p>Built with: <code>" + xml_escaped(build.command) + "</code></p>\n";
  }
  if (!build.notes.empty()) {
    body += "<h3>Notes</h3>\n<ul>";
    for (const std::string& note : build.notes) body += "<li>" + xml_escaped(note) + "</li>";
    body += "</ul>\n";
  }
  write_html_page("socklab grade: build failed", body + "</section>\n", file);
}

}  // namespace socklab::harness
