// The references pass every scenario of their lab: the other half of "every check can fail"
// (tests/mutants), and what `make demo` shows. The same run compares each scenario's wire with
// its golden trace (`socklab record --check`): the references still behave on the wire as when
// traces/ was recorded.
#include <gtest/gtest.h>

#include <string>

#include "tests/harness/socklab_run.hpp"

namespace {

class ReferencePasses : public testing::TestWithParam<const char*> {};

TEST_P(ReferencePasses, EveryScenarioOfItsLabAndMatchesItsGoldenTraces) {
  socklab::testing::SocklabRun run = socklab::testing::run_socklab(
      std::string(GetParam()) + " --check -j 2", GetParam(), "record");
  EXPECT_EQ(run.exit_status, 0) << run.output;
  EXPECT_NE(run.output.find("the references match their goldens"), std::string::npos) << run.output;
  ASSERT_TRUE(run.report.is_object()) << run.output;
  EXPECT_EQ(run.report["summary"]["failed"], 0) << run.output;
  EXPECT_EQ(run.report["summary"]["errors"], 0) << run.output;
  EXPECT_GT(run.report["summary"]["passed"], 0) << run.output;
}

INSTANTIATE_TEST_SUITE_P(References, ReferencePasses,
                         testing::Values("blocking", "select", "poll", "epoll-lt", "epoll-et",
                                         "nbconnect", "close"),
                         [](const testing::TestParamInfo<const char*>& param) {
                           std::string name = param.param;
                           for (char& c : name) c = (c == '-') ? '_' : c;
                           return name;
                         });

}  // namespace
