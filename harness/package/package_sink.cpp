#include "harness/package/package_sink.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>

#include "harness/package/package.hpp"

namespace socklab::harness {

namespace fs = std::filesystem;

fs::path DirectorySink::place(const std::string& name) const {
  fs::path target = root_ / name;
  std::error_code error;
  fs::create_directories(target.parent_path(), error);
  if (error) {
    throw PackageError("cannot create the folder " + target.parent_path().string() + ": " +
                       error.message());
  }
  return target;
}

// Through a temporary name: a package written over an older one never holds half a file.
void DirectorySink::add_text(const std::string& name, const std::string& text, unsigned mode) {
  fs::path target = place(name);
  fs::path partial = target.string() + ".partial";
  {
    std::ofstream out(partial, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
      throw PackageError("cannot write " + partial.string() + ": " + std::strerror(errno));
    }
  }
  std::error_code error;
  fs::permissions(partial, static_cast<fs::perms>(mode), error);
  if (!error) fs::rename(partial, target, error);
  if (error) {
    std::error_code ignored;  // the partial file is in our own folder; the first error matters
    fs::remove(partial, ignored);
    throw PackageError("cannot write " + target.string() + ": " + error.message());
  }
}

void DirectorySink::add_copy(const std::string& name, const fs::path& source, unsigned mode) {
  fs::path target = place(name);
  fs::path partial = target.string() + ".partial";
  std::error_code error;
  fs::copy_file(source, partial, fs::copy_options::overwrite_existing, error);
  if (!error) fs::permissions(partial, static_cast<fs::perms>(mode), error);
  if (!error) fs::rename(partial, target, error);
  if (error) {
    std::error_code ignored;
    fs::remove(partial, ignored);
    throw PackageError("cannot copy " + source.string() + " to " + target.string() + ": " +
                       error.message());
  }
}

unsigned permission_bits(const fs::path& file) {
  std::error_code error;
  fs::perms perms = fs::status(file, error).permissions();
  if (error) return kPlainFileMode;
  // Only whether the owner may run it travels: a package's files are read by everybody and
  // written by nobody but its owner, whatever the umask of the tree they came from.
  bool runnable = (perms & fs::perms::owner_exec) != fs::perms::none;
  return runnable ? kProgramMode : kPlainFileMode;
}

}  // namespace socklab::harness
