// The kit a package carries: in a git checkout the files git tracks (and the new ones it would
// track), elsewhere the tree, but never a build folder, out/ or .git; --kit names another tree.
#include <gtest/gtest.h>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

TEST(PackageKit, OutsideAGitCheckoutIsTheTreeWithoutBuildsRunsAndGit) {
  fs::path kit = fresh_folder("kit-tree");
  for (const char* file :
       {"CMakeLists.txt", "harness/main.cpp", "harness/build/kept.txt", "scripts/install-deps",
        "build/CMakeCache.txt", "build-sanitize/bin/socklab", "out/close/report.json", ".git/HEAD",
        "harness/.git/HEAD"}) {
    write_text(kit / file, std::string(file) + "\n");
  }
  fs::permissions(kit / "scripts/install-deps", fs::perms(0755));
  // A .git that is not a repository: git refuses it, and the tree is walked instead.
  fs::path zip = kit.string() + ".zip";
  CommandRun run = run_command(bin("socklab") + " package gradescope close -o " +
                               shell_quoted(zip) + " --kit " + shell_quoted(kit));
  ASSERT_EQ(run.exit_status, 0) << run.output;
  std::map<std::string, ZipEntry> entries = read_zip(zip);
  std::vector<std::string> kit_entries;
  for (const auto& [name, entry] : entries) {
    if (name.rfind("socklab/", 0) == 0) kit_entries.push_back(name);
  }
  EXPECT_EQ(kit_entries,
            (std::vector<std::string>{"socklab/CMakeLists.txt", "socklab/harness/build/kept.txt",
                                      "socklab/harness/main.cpp", "socklab/scripts/install-deps"}));
  EXPECT_EQ(entries["socklab/scripts/install-deps"].mode, 0755u);
  fs::remove_all(kit);
  fs::remove(zip);
}

TEST(PackageKit, AKitThatIsNotThereIsAUsageError) {
  fs::path folder = fresh_folder("kit-missing");
  CommandRun run =
      run_command(bin("socklab") + " package gradescope close -o " +
                  shell_quoted(folder / "a.zip") + " --kit " + shell_quoted(folder / "no-kit"));
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("the kit's source is not at"), std::string::npos) << run.output;
  EXPECT_FALSE(fs::exists(folder / "a.zip"));
  fs::remove_all(folder);
}

}  // namespace
}  // namespace socklab::package_tests
