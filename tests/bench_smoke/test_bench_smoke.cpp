// Each micro-benchmark program runs to the end, exits 0 and still reports every benchmark it is
// meant to have: a benchmark that crashes, skips with an error or stops registering fails here.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

namespace {

struct BenchmarkProgram {
  std::string name;
  std::vector<std::string> benchmarks;  // the names every run must report
};

// Runs `command` through the shell and returns what it printed (stdout and stderr) and how it
// ended, as a wait status.
std::pair<std::string, int> run(const std::string& command) {
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    ADD_FAILURE() << "popen(" << command << "): " << std::strerror(errno);
    return {"", -1};
  }
  std::string output;
  char chunk[4096];
  while (std::size_t n = std::fread(chunk, 1, sizeof chunk, pipe)) output.append(chunk, n);
  int status = ::pclose(pipe);
  if (status == -1) ADD_FAILURE() << "pclose: " << std::strerror(errno);
  return {output, status};
}

class BenchmarkSmoke : public testing::TestWithParam<BenchmarkProgram> {};

TEST_P(BenchmarkSmoke, RunsEveryBenchmarkToTheEndAndExitsZero) {
  const BenchmarkProgram& program = GetParam();
  // Google Benchmark 1.7.1 (Debian 12) takes the minimum time as seconds, without a unit.
  auto [output, status] =
      run(std::string(SOCKLAB_BIN_DIR) + "/" + program.name + " --benchmark_min_time=0.01");
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << program.name << " ended with wait status " << status << ":\n"
      << output;
  // A benchmark that calls SkipWithError still exits 0; its line carries the message instead.
  EXPECT_EQ(output.find("ERROR OCCURRED"), std::string::npos) << output;
  for (const std::string& benchmark : program.benchmarks) {
    EXPECT_NE(output.find(benchmark), std::string::npos)
        << program.name << " did not report " << benchmark << ":\n"
        << output;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Programs, BenchmarkSmoke,
    testing::Values(
        BenchmarkProgram{"bench-buffer",
                         {"BM_AppendThenConsume/16", "BM_AppendThenConsume/1048576",
                          "BM_ConsumeInSmallRequests/", "BM_WriteToThenReadFrom/1048576",
                          "BM_ReadIntoAnArray/65536", "BM_ReadFromIntoAnEmptyBuffer/65536",
                          "BM_ReadFromIntoAKeptBuffer/65536"}},
        BenchmarkProgram{"bench-resp",
                         {"BM_RespParse/inline_ping/piece:0", "BM_RespParse/multibulk_ping/",
                          "BM_RespParse/inline_echo_1k/", "BM_RespParse/echo_1k/",
                          "BM_RespParse/echo_64k/", "BM_RespParse/inline_1024_arguments/",
                          "BM_RespParse/multibulk_1024_arguments/piece:1448"}},
        BenchmarkProgram{"bench-echo-path",
                         {"BM_EchoInOneThread/16", "BM_EchoInOneThread/1048576",
                          "BM_EchoRoundTrip/16/", "BM_EchoRoundTrip/16384/"}}),
    [](const testing::TestParamInfo<BenchmarkProgram>& program) {
      std::string name = program.param.name;
      for (char& c : name) c = c == '-' ? '_' : c;
      return name;
    });

}  // namespace
