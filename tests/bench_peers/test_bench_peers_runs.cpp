// A whole `socklab bench peers --quick` run, as a user runs it: it measures ref-epoll-et,
// redis-server and memcached, writes every measurement to peers.csv, prints the ratio tables
// and the target lines, and fills its section of the markdown file it is given.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <set>
#include <string>

#include "harness/bench/csv_table.hpp"
#include "tests/support/command_run.hpp"

namespace socklab::testing {
namespace {

namespace fs = std::filesystem;

// The first of the peers that is not installed, or "" when all are.
std::string missing_peer() {
  for (const char* program : {"redis-server", "redis-benchmark", "memcached"}) {
    if (run_command(std::string("command -v ") + program + " >/dev/null").exit_status != 0) {
      return program;
    }
  }
  return "";
}

class BenchPeersRun : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "socklab-bench-peers-test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    folder_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
  }
  fs::path folder_;
};

TEST_F(BenchPeersRun, QuickRunWritesEveryMeasurementAndPrintsTheRatios) {
  const std::string missing = missing_peer();
  if (!missing.empty()) {
    GTEST_SKIP() << missing << " is not installed (scripts/install-deps bench installs it; "
                 << "make test does not): socklab bench peers cannot run here";
  }
  CommandRun run = run_command(
      std::string(SOCKLAB_BIN_DIR) + "/socklab bench peers --quick --repetitions 1 --out " +
      folder_.string() + " --results-md " + (folder_ / "RESULTS.md").string());
  ASSERT_EQ(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("ref-epoll-et / redis-server"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("memcached / ref-epoll-et"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("redis-benchmark ping_mbulk -P 16 -c 1000"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("requests/s >= 1.1x redis-server at -P 16"), std::string::npos)
      << run.output;

  bench::CsvTable table = bench::read_csv(folder_ / "peers.csv");
  std::set<std::string> servers;
  for (std::size_t row = 0; row < table.rows.size(); ++row) {
    servers.insert(table.field(row, "server"));
    EXPECT_GT(std::stod(table.field(row, "rps")), 0) << "row " << row;
    // How often the server slept is measured in every run. A saturated server may never sleep
    // (0 is a figure); at -P 1 with redis-benchmark, the client is the bottleneck and every
    // server waits for it about 150 times per 1000 requests (measured): none there would mean the
    // sleeps were not read.
    const std::string sleeps = table.field(row, "server_sleeps_per_request");
    ASSERT_FALSE(sleeps.empty()) << "row " << row;
    EXPECT_GE(std::stod(sleeps), 0) << "row " << row;
    if (table.field(row, "client") == "redis-benchmark" && table.field(row, "pipeline") == "1") {
      EXPECT_GT(std::stod(sleeps), 0) << "row " << row;
    }
  }
  EXPECT_EQ(servers, (std::set<std::string>{"ref-epoll-et", "redis-server", "memcached"}));
  // One repetition: 16 redis-benchmark runs and 6 socklab load runs.
  EXPECT_EQ(table.rows.size(), 22u);

  const std::string markdown = read_text(folder_ / "RESULTS.md");
  EXPECT_NE(markdown.find("<!-- socklab bench peers: begin -->"), std::string::npos);
  EXPECT_NE(markdown.find("Redis server v="), std::string::npos) << markdown;
  EXPECT_NE(markdown.find("| `redis-benchmark ping_inline -P 1 -c 50` |"), std::string::npos)
      << markdown;
  EXPECT_TRUE(fs::exists(folder_ / "peers.gp"));
}

TEST_F(BenchPeersRun, RepetitionsMustBeAPositiveCount) {
  CommandRun run = run_command(std::string(SOCKLAB_BIN_DIR) +
                               "/socklab bench peers --repetitions 0 --out " + folder_.string());
  EXPECT_NE(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("--repetitions"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(folder_ / "peers.csv"));
}

}  // namespace
}  // namespace socklab::testing
