// The HTML report (report.html in every out folder, and `socklab check --html FILE`): one page a
// person can open offline, with the finding of every failure and the two ladder diagrams, the
// student's and the golden one, drawn inline.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/command_run.hpp"

namespace {

namespace fs = std::filesystem;
using socklab::testing::read_text;
using socklab::testing::run_command;

fs::path fresh_folder(const std::string& tag) {
  fs::path folder =
      fs::temp_directory_path() / ("socklab-html-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(folder);
  return folder;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++count;
  return count;
}

TEST(HtmlReport, ShowsAFailureWithItsFindingAndBothLaddersInline) {
  fs::path out = fresh_folder("failed");
  fs::path page = out / "elsewhere" / "page.html";
  fs::create_directories(page.parent_path());
  socklab::testing::CommandRun run =
      run_command(std::string(SOCKLAB_BIN_DIR) + "/socklab check poll --server " + SOCKLAB_BIN_DIR +
                  "/mutants/mutant-drop-on-eagain --scenario integrity --out " +
                  (out / "run").string() + " --html " + page.string());
  ASSERT_EQ(run.exit_status, 1) << run.output;
  ASSERT_TRUE(fs::exists(out / "run" / "report.html")) << run.output;
  std::string html = read_text(page);
  // The same page in both places (each links the pcap relative to where it is).
  EXPECT_NE(read_text(out / "run" / "report.html").find("<section class=\"failure\""),
            std::string::npos);
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("0 passed, 1 failed"), std::string::npos) << html.substr(0, 2000);
  std::size_t section = html.find("<section class=\"failure\"");
  ASSERT_NE(section, std::string::npos);
  std::string failure = html.substr(section);
  // The diagnosis the mutant is known for (tests/mutants/CMakeLists.txt), in the page.
  EXPECT_NE(failure.find("the echo differs from what we sent"), std::string::npos);
  EXPECT_NE(failure.find("What it means in TCP"), std::string::npos);
  // This server's ladder and the golden one, as pictures in the page itself.
  EXPECT_GE(count_of(failure, "<svg "), 2u);
  EXPECT_NE(failure.find("The reference's golden wire"), std::string::npos);
  // Self-contained: nothing to fetch, no script, no stylesheet file.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  // The capture's link is relative to the page and leads to the pcap.
  std::smatch link;
  ASSERT_TRUE(std::regex_search(failure, link, std::regex("<a href=\"([^\"]+\\.pcap)\">")));
  EXPECT_FALSE(fs::path(link[1].str()).is_absolute()) << link[1];
  EXPECT_TRUE(fs::exists(page.parent_path() / link[1].str())) << link[1];
  fs::remove_all(out);
}

TEST(HtmlReport, APassingRunListsItsScenarioWithoutAFailureSection) {
  fs::path out = fresh_folder("passed");
  socklab::testing::CommandRun run =
      run_command(std::string(SOCKLAB_BIN_DIR) + "/socklab check poll --scenario integrity --out " +
                  out.string());
  ASSERT_EQ(run.exit_status, 0) << run.output;
  std::string html = read_text(out / "report.html");
  EXPECT_NE(html.find("1 passed, 0 failed"), std::string::npos) << html.substr(0, 2000);
  EXPECT_NE(html.find("<td>integrity</td>"), std::string::npos);
  EXPECT_EQ(html.find("<section class=\"failure\""), std::string::npos);
  fs::remove_all(out);
}

}  // namespace
