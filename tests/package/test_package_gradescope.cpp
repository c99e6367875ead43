// `socklab package gradescope` writes a zip in Gradescope's layout: setup.sh and run_autograder
// at its root, runnable once unzipped, beside the kit's source (socklab/) and toml++'s headers
// (third_party/), which Ubuntu 22.04 does not package.
#include <gtest/gtest.h>

#include <regex>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

class GradescopeZip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    folder_ = fresh_folder("gradescope-zip");
    packaging_ = package_lab("gradescope", "close", folder_ / "autograder.zip");
    entries_ = read_zip(folder_ / "autograder.zip");
  }
  static void TearDownTestSuite() { fs::remove_all(folder_); }

  static bool has(const std::string& name) { return entries_.count(name) > 0; }

  static inline fs::path folder_;
  static inline CommandRun packaging_;
  static inline std::map<std::string, ZipEntry> entries_;
};

TEST_F(GradescopeZip, IsWrittenAndSaysWhatToDoNext) {
  ASSERT_EQ(packaging_.exit_status, 0) << packaging_.output;
  EXPECT_NE(packaging_.output.find("autograder.zip"), std::string::npos) << packaging_.output;
  EXPECT_NE(packaging_.output.find("Ubuntu 22.04"), std::string::npos) << packaging_.output;
  ASSERT_FALSE(entries_.empty()) << "the zip does not open with libzip";
}

TEST_F(GradescopeZip, HasSetupAndRunAutograderAtItsRootAsPrograms) {
  ASSERT_TRUE(has("setup.sh"));
  ASSERT_TRUE(has("run_autograder"));
  EXPECT_EQ(entries_.at("setup.sh").mode, 0755u);
  EXPECT_EQ(entries_.at("run_autograder").mode, 0755u);
  EXPECT_EQ(entries_.at("setup.sh").text.rfind("#!/usr/bin/env bash\n", 0), 0u);
  EXPECT_EQ(entries_.at("run_autograder").text.rfind("#!/usr/bin/env bash\n", 0), 0u);
}

TEST_F(GradescopeZip, CarriesTheKitWithItsScriptsRunnable) {
  for (const char* file : {"socklab/CMakeLists.txt", "socklab/harness/main.cpp",
                           "socklab/labs/07-close/lab.toml", "socklab/labs/07-close/server.cpp",
                           "socklab/reference/close.cpp", "socklab/scripts/install-deps"}) {
    EXPECT_TRUE(has(file)) << file;
  }
  ASSERT_TRUE(has("socklab/scripts/install-deps"));
  EXPECT_EQ(entries_.at("socklab/scripts/install-deps").mode, 0755u);
  EXPECT_EQ(entries_.at("socklab/CMakeLists.txt").mode, 0644u);
}

TEST_F(GradescopeZip, LeavesOutBuildsRunsAndGit) {
  for (const auto& [name, entry] : entries_) {
    EXPECT_FALSE(std::regex_search(name, std::regex("^socklab/(build[^/]*|out|\\.git)/"))) << name;
  }
}

TEST_F(GradescopeZip, CarriesTomlHeaders) {
  EXPECT_TRUE(has("third_party/toml++/toml.h") || has("third_party/toml++/toml.hpp"));
  bool has_impl = false;
  for (const auto& [name, entry] : entries_)
    has_impl |= name.rfind("third_party/toml++/impl/", 0) == 0;
  EXPECT_TRUE(has_impl) << "toml.h includes its impl/ headers";
}

TEST_F(GradescopeZip, ItsScriptsAreFilledInForTheLab) {
  const std::string& setup = entries_.at("setup.sh").text;
  const std::string& run = entries_.at("run_autograder").text;
  EXPECT_NE(setup.find("lab=close\n"), std::string::npos);
  EXPECT_NE(setup.find("-DBUILD_TESTING=OFF -DSOCKLAB_BENCH=OFF"), std::string::npos);
  EXPECT_NE(run.find("LAB=close\n"), std::string::npos);
  EXPECT_NE(run.find("MAX_POINTS=100\n"), std::string::npos);
  std::regex marker("@[A-Z_]+@");
  EXPECT_FALSE(std::regex_search(setup, marker));
  EXPECT_FALSE(std::regex_search(run, marker));
}

}  // namespace
}  // namespace socklab::package_tests
