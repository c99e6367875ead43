// A scenario's hosts file is seen by the program it is given to, and by nobody else: bound over
// the hosts file where there is one, or over the whole folder, rebuilt around it, where there
// is none (a bare chroot has no /etc/hosts). Names resolve through it in the order written.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness/process/hosts_file.hpp"
#include "harness/process/supervised_process.hpp"
#include "tests/harness/fixtures/harness_test_support.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// A folder of the test's own, readable by the program (which runs as nobody under real root).
struct ScratchFolder {
  fs::path path = fs::temp_directory_path() / ("socklab-hosts-test-" + std::to_string(::getpid()));
  ScratchFolder() {
    fs::remove_all(path);
    fs::create_directories(path);
    fs::permissions(path, fs::perms::all & ~fs::perms::others_write & ~fs::perms::group_write);
  }
  ~ScratchFolder() { fs::remove_all(path); }
};

void write_file(const fs::path& file, const std::string& text) {
  std::ofstream(file) << text;
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                            fs::perms::others_read);
}

// Runs `program arguments...` with the hosts file's mounts; its stdout.
std::string output_of(const ScratchFolder& scratch, const HostsFile& hosts,
                      const std::string& program, const std::vector<std::string>& arguments) {
  LaunchSpec spec;
  spec.program = program;
  spec.arguments = arguments;
  spec.stdout_log = scratch.path / "out.log";
  spec.stderr_log = scratch.path / "err.log";
  spec.bind_mounts = hosts.bind_mounts();
  SupervisedProcess process = SupervisedProcess::launch(spec);
  EXPECT_TRUE(process.exits_within(10s));
  std::string output = process.stdout_text();
  SupervisedProcess::StopResult stop = process.stop(1s);
  EXPECT_TRUE(stop.status.clean()) << stop.status.describe() << "\n" << process.stderr_tail();
  return output;
}

TEST(HostsFileTest, ANameResolvesToItsAddressesInTheOrderWritten) {
  SKIP_WITHOUT_SANDBOX();
  ScratchFolder scratch;
  HostsFile hosts({"198.18.0.11 two-homed", "198.18.0.1 two-homed"});
  // getent ahosts resolves through getaddrinfo, as the nbconnect client does.
  std::string output = output_of(scratch, hosts, "/usr/bin/getent", {"ahosts", "two-homed"});
  std::size_t first = output.find("198.18.0.11");
  std::size_t second = output.find("198.18.0.1 ");
  ASSERT_NE(first, std::string::npos) << output;
  ASSERT_NE(second, std::string::npos) << output;
  EXPECT_LT(first, second) << output;
}

TEST(HostsFileTest, AnExistingHostsFileIsReplacedForTheProgramOnly) {
  SKIP_WITHOUT_SANDBOX();
  ScratchFolder scratch;
  fs::path etc = scratch.path / "etc";
  fs::create_directory(etc);
  write_file(etc / "hosts", "10.1.2.3 old-name\n");
  HostsFile hosts({"198.18.0.1 new-name"}, etc);
  ASSERT_EQ(hosts.bind_mounts().size(), 1u);
  std::string seen = output_of(scratch, hosts, "/bin/cat", {(etc / "hosts").string()});
  EXPECT_NE(seen.find("198.18.0.1 new-name"), std::string::npos) << seen;
  EXPECT_EQ(seen.find("old-name"), std::string::npos) << seen;
  std::ifstream outside(etc / "hosts");
  std::string unchanged((std::istreambuf_iterator<char>(outside)), {});
  EXPECT_EQ(unchanged, "10.1.2.3 old-name\n");
}

TEST(HostsFileTest, WithoutAHostsFileTheFolderIsRebuiltAroundANewOne) {
  SKIP_WITHOUT_SANDBOX();
  ScratchFolder scratch;
  fs::path etc = scratch.path / "etc";
  fs::create_directories(etc / "sub");
  fs::permissions(etc / "sub", fs::perms::all & ~fs::perms::others_write & ~fs::perms::group_write);
  write_file(etc / "passwd", "root:x:0:0::/root:/bin/sh\n");
  write_file(etc / "sub" / "inner", "inside\n");
  fs::create_symlink("passwd", etc / "link");
  HostsFile hosts({"198.18.0.1 new-name"}, etc);
  std::string seen =
      output_of(scratch, hosts, "/bin/sh",
                {"-c", "cat " + etc.string() + "/hosts " + etc.string() + "/passwd " +
                           etc.string() + "/sub/inner " + etc.string() + "/link"});
  EXPECT_NE(seen.find("198.18.0.1 new-name"), std::string::npos) << seen;
  EXPECT_NE(seen.find("inside"), std::string::npos) << seen;
  // passwd twice: once as itself, once through the symlink.
  std::size_t first = seen.find("root:x:0:0");
  ASSERT_NE(first, std::string::npos) << seen;
  EXPECT_NE(seen.find("root:x:0:0", first + 1), std::string::npos) << seen;
  EXPECT_FALSE(fs::exists(etc / "hosts")) << "the folder outside must stay as it was";
}

TEST(HostsFileTest, ItsTemporaryFolderIsGoneWithIt) {
  fs::path folder;
  {
    HostsFile hosts({"198.18.0.1 name"});
    // The last mount is always the new file or the rebuilt folder, both inside the folder.
    folder = hosts.bind_mounts().back().source.parent_path();
    EXPECT_TRUE(fs::exists(folder));
  }
  EXPECT_FALSE(fs::exists(folder));
}

}  // namespace
}  // namespace socklab::harness
