#include "harness/process/hosts_file.hpp"

#include <stdlib.h>

#include <cerrno>
#include <fstream>
#include <system_error>

#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

fs::path make_temporary_folder() {
  std::string pattern = (fs::temp_directory_path() / "socklab-hosts-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw_errno("mkdtemp " + pattern, errno);
  // The program may run as nobody: it reads the file through the bind mount, and the mount
  // source is resolved before it drops root, but the file itself must be readable by others.
  fs::permissions(pattern, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                               fs::perms::others_read | fs::perms::others_exec);
  return pattern;
}

void write_hosts(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file);
  out << "127.0.0.1 localhost\n";
  for (const std::string& line : lines) out << line << "\n";
  if (!out.flush()) throw std::runtime_error("cannot write " + file.string());
}

// A stand-in for every entry of /etc, with the original bound onto it in the program's mount
// namespace: the program sees its /etc as it was, plus the scenario's hosts file.
std::vector<BindMount> mirror_etc(const fs::path& etc, const fs::path& copy) {
  std::vector<BindMount> binds;
  fs::create_directory(copy);
  for (const fs::directory_entry& entry : fs::directory_iterator(etc)) {
    fs::path stand_in = copy / entry.path().filename();
    if (entry.path().filename() == "hosts") continue;  // a dangling symlink: ours replaces it
    if (entry.is_symlink()) {
      fs::create_symlink(fs::read_symlink(entry.path()), stand_in);  // a symlink needs no mount
      continue;
    }
    if (entry.is_directory()) {
      fs::create_directory(stand_in);
    } else {
      std::ofstream{stand_in};
    }
    binds.push_back({entry.path(), stand_in});
  }
  return binds;
}

}  // namespace

HostsFile::HostsFile(const std::vector<std::string>& lines, const fs::path& etc)
    : folder_(make_temporary_folder()) {
  try {
    std::error_code error;
    if (fs::is_regular_file(etc / "hosts", error)) {
      write_hosts(folder_ / "hosts", lines);
      bind_mounts_.push_back({folder_ / "hosts", etc / "hosts"});
      return;
    }
    fs::path copy = folder_ / "etc";
    bind_mounts_ = mirror_etc(etc, copy);
    write_hosts(copy / "hosts", lines);
    bind_mounts_.push_back({copy, etc});
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(folder_, ignored);
    throw;
  }
}

HostsFile::~HostsFile() {
  // The mounts live only in the program's namespace, gone with it: here there are plain files.
  std::error_code ignored;
  fs::remove_all(folder_, ignored);
}

}  // namespace socklab::harness
