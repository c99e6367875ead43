// parse_load_csv: socklab bench reads each load run back from socklab load --csv; a line that
// is not what socklab load prints must be an error that says so, never a silent zero.
#include <gtest/gtest.h>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/pinned_load.hpp"

namespace socklab::bench {
namespace {

const std::string kHeader =
    "proto,connections,depth,idle,size,threads,seconds,requests,requests_per_second,p50_us,"
    "p99_us,p999_us,max_us,errors\n";

TEST(LoadCsv, ReadsEveryFigureOfTheDataLine) {
  LoadFigures figures = parse_load_csv(
      kHeader + "echo,50,1,100,16,1,2.001,80040,40000.0,1100.5,2500.0,4100.0,9000.0,3\n");
  EXPECT_DOUBLE_EQ(figures.seconds, 2.001);
  EXPECT_EQ(figures.requests, 80040u);
  EXPECT_DOUBLE_EQ(figures.requests_per_second, 40000.0);
  EXPECT_DOUBLE_EQ(figures.p50_us, 1100.5);
  EXPECT_DOUBLE_EQ(figures.p99_us, 2500.0);
  EXPECT_DOUBLE_EQ(figures.p999_us, 4100.0);
  EXPECT_DOUBLE_EQ(figures.max_us, 9000.0);
  EXPECT_EQ(figures.errors, 3u);
}

TEST(LoadCsv, FindsTheHeaderAfterOtherLines) {
  LoadFigures figures = parse_load_csv("a warning first\n" + kHeader +
                                       "echo,1,1,0,16,1,1.000,10,10.0,1.0,2.0,3.0,4.0,0\n");
  EXPECT_EQ(figures.requests, 10u);
}

TEST(LoadCsv, RejectsALineWithAFieldMissing) {
  EXPECT_THROW(parse_load_csv(kHeader + "echo,50,1,100,16,1,2.001,80040,40000.0,1100.5\n"),
               BenchError);
}

TEST(LoadCsv, RejectsAFieldThatIsNotANumber) {
  EXPECT_THROW(
      parse_load_csv(kHeader + "echo,50,1,100,16,1,2.001,lots,40000.0,1.0,2.0,3.0,4.0,0\n"),
      BenchError);
}

TEST(LoadCsv, RejectsOutputWithoutAHeader) {
  EXPECT_THROW(parse_load_csv("socklab load: nothing listens on 127.0.0.1:1\n"), BenchError);
}

}  // namespace
}  // namespace socklab::bench
