// `socklab package` says what it expected and what it got, and exits 2, when the platform or the
// lab is unknown or the output cannot be written; it writes nothing then.
#include <gtest/gtest.h>

#include "tests/package/package_test_support.hpp"

namespace socklab::package_tests {
namespace {

TEST(PackageErrors, AnUnknownPlatformIsAUsageError) {
  CommandRun run = package_lab("moodle", "close", fs::temp_directory_path() / "never.zip");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("no grading platform named 'moodle'"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("expected gradescope, autolab or github-classroom"), std::string::npos)
      << run.output;
}

TEST(PackageErrors, AnUnknownLabIsAUsageError) {
  CommandRun run = package_lab("gradescope", "kqueue", fs::temp_directory_path() / "never.zip");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("no lab named 'kqueue'"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("close"), std::string::npos) << "the labs there are: " << run.output;
}

TEST(PackageErrors, AZipInAFolderThatDoesNotExistIsAUsageError) {
  fs::path missing = fresh_folder("errors-missing") / "no-such-folder" / "autograder.zip";
  CommandRun run = package_lab("gradescope", "close", missing);
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("does not exist"), std::string::npos) << run.output;
  fs::remove_all(missing.parent_path().parent_path());
}

TEST(PackageErrors, AZipPathThatIsAFolderIsAUsageError) {
  fs::path folder = fresh_folder("errors-folder");
  CommandRun run = package_lab("gradescope", "close", folder);
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("it is a folder"), std::string::npos) << run.output;
  EXPECT_TRUE(fs::is_empty(folder));
  fs::remove_all(folder);
}

TEST(PackageErrors, AFolderPathThatIsAFileIsAUsageError) {
  fs::path folder = fresh_folder("errors-file");
  write_text(folder / "taken", "a file\n");
  for (const char* platform : {"autolab", "github-classroom"}) {
    CommandRun run = package_lab(platform, "close", folder / "taken");
    EXPECT_EQ(run.exit_status, 2) << platform << ": " << run.output;
    EXPECT_NE(run.output.find("it is a file; expected a folder"), std::string::npos) << run.output;
  }
  fs::remove_all(folder);
}

TEST(PackageErrors, AnUnwritableZipIsAUsageError) {
  // /proc refuses new files even to root, for whom every permission check passes.
  CommandRun run = package_lab("gradescope", "close", "/proc/autograder.zip");
  EXPECT_EQ(run.exit_status, 2) << run.output;
  EXPECT_NE(run.output.find("cannot write /proc/autograder.zip"), std::string::npos) << run.output;
}

}  // namespace
}  // namespace socklab::package_tests
