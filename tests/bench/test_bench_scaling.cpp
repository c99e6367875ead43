// A short `socklab bench scaling` over epoll-et and select at 0 and 1100 idle connections: it
// writes a row per model and idle count with real figures, records select's refusal past
// FD_SETSIZE in words instead of failing, and writes its RESULTS.md section and plots.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/bench/csv_table.hpp"
#include "tests/support/command_run.hpp"

namespace socklab::test {
namespace {

namespace fs = std::filesystem;
using socklab::testing::CommandRun;
using socklab::testing::read_text;
using socklab::testing::run_command;

class ShortScalingRun : public ::testing::Test {
 protected:
  // One run for the whole suite: it takes seconds, and every test reads the same outputs.
  static void SetUpTestSuite() {
    out_ = fs::temp_directory_path() / ("socklab-bench-scaling-test-" + std::to_string(::getpid()));
    fs::remove_all(out_);
    fs::create_directories(out_);
    run_ = run_command(std::string(SOCKLAB_BIN_DIR) +
                       "/socklab bench scaling --labs epoll-et,select --idle 0,1100 --duration "
                       "0.3 --warmup 0.2 --repetitions 1 --out " +
                       out_.string() + " --results-md " + (out_ / "RESULTS.md").string());
  }
  static void TearDownTestSuite() { fs::remove_all(out_); }

  static std::string field(const std::string& lab, const std::string& idle,
                           const std::string& column) {
    bench::CsvTable table = bench::parse_csv(read_text(out_ / "scaling.csv"));
    for (std::size_t row = 0; row < table.rows.size(); ++row)
      if (table.field(row, "lab") == lab && table.field(row, "idle") == idle)
        return table.field(row, column);
    return "no row";
  }
  static double number(const std::string& lab, const std::string& idle, const std::string& column) {
    std::string text = field(lab, idle, column);
    return text.empty() || text == "no row" ? -1 : std::stod(text);
  }

  static inline fs::path out_;
  static inline CommandRun run_;
};

TEST_F(ShortScalingRun, ExitsZeroWithSelectsRefusalRecorded) {
  EXPECT_EQ(run_.exit_status, 0) << run_.output;
}

TEST_F(ShortScalingRun, WritesARowPerModelAndIdleCount) {
  bench::CsvTable table = bench::parse_csv(read_text(out_ / "scaling.csv"));
  EXPECT_EQ(table.rows.size(), 4u) << read_text(out_ / "scaling.csv") << run_.output;
  for (const char* lab : {"epoll-et", "select"})
    for (const char* idle : {"0", "1100"})
      EXPECT_NE(field(lab, idle, "lab"), "no row") << lab << " at " << idle;
}

TEST_F(ShortScalingRun, EpollServesAtBothIdleCountsWithCpuAndSyscallsPerRequest) {
  for (const char* idle : {"0", "1100"}) {
    EXPECT_GT(number("epoll-et", idle, "requests_per_second"), 0) << idle << run_.output;
    EXPECT_GT(number("epoll-et", idle, "cpu_us_per_request"), 0) << idle << run_.output;
    // perf or strace, whichever could attach; each echo needs at least a read and a write.
    EXPECT_GT(number("epoll-et", idle, "syscalls_per_request"), 0) << idle << run_.output;
    EXPECT_EQ(field("epoll-et", idle, "errors"), "0") << idle << run_.output;
  }
}

// A model's rows are consecutive in the medians that gnuplot reads, so each curve is one line:
// a row of another model between two points would break it into markers.
TEST_F(ShortScalingRun, WritesTheMediansModelByModel) {
  bench::CsvTable medians = bench::parse_csv(read_text(out_ / "scaling-median.csv"));
  std::vector<std::string> order;
  for (std::size_t row = 0; row < medians.rows.size(); ++row)
    order.push_back(medians.field(row, "lab") + "@" + medians.field(row, "idle"));
  EXPECT_EQ(order,
            (std::vector<std::string>{"epoll-et@0", "epoll-et@1100", "select@0", "select@1100"}))
      << read_text(out_ / "scaling-median.csv");
}

TEST_F(ShortScalingRun, SelectPastFdSetSizeCarriesTheNoteInWords) {
  EXPECT_NE(field("select", "1100", "note").find("FD_SETSIZE (1024)"), std::string::npos)
      << read_text(out_ / "scaling.csv");
  EXPECT_GT(number("select", "0", "requests_per_second"), 0) << run_.output;
}

TEST_F(ShortScalingRun, ReplacesTheMarkedSectionOfResultsMd) {
  std::string markdown = read_text(out_ / "RESULTS.md");
  EXPECT_NE(markdown.find("<!-- socklab bench scaling: begin -->"), std::string::npos);
  EXPECT_NE(markdown.find("<!-- socklab bench scaling: end -->"), std::string::npos);
  EXPECT_NE(markdown.find("| select | 1100 |"), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("FD_SETSIZE"), std::string::npos) << markdown;
}

TEST_F(ShortScalingRun, DrawsThePlotsWhenGnuplotIsInstalled) {
  EXPECT_TRUE(fs::exists(out_ / "scaling.gp"));
  if (run_command("command -v gnuplot").exit_status != 0)
    GTEST_SKIP() << "gnuplot is not installed (scripts/install-deps bench adds gnuplot-nox)";
  for (const char* plot :
       {"scaling-throughput.svg", "scaling-cpu.svg", "scaling-syscalls.svg", "scaling-rss.svg"})
    EXPECT_NE(read_text(out_ / plot).find("<svg"), std::string::npos) << plot << run_.output;
}

}  // namespace
}  // namespace socklab::test
