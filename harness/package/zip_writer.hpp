// ZipWriter: a zip archive written through libzip, each entry with Unix permission bits in its
// external attributes, so that `unzip` restores setup.sh and run_autograder as programs.
#pragma once

#include <filesystem>
#include <list>
#include <string>

#include "harness/package/package_sink.hpp"

struct zip;

namespace socklab::harness {

// Not copyable: it owns the open archive. libzip writes the archive only in finish(), into a
// temporary file beside `file` that it renames into place, so an archive that is destroyed
// unfinished (an error on the way) leaves nothing behind, and an older zip stays whole.
class ZipWriter final : public PackageSink {
 public:
  explicit ZipWriter(const std::filesystem::path& file);  // throws PackageError
  ZipWriter(const ZipWriter&) = delete;
  ZipWriter& operator=(const ZipWriter&) = delete;
  ~ZipWriter() override;

  void add_text(const std::string& name, const std::string& text, unsigned mode) override;
  void add_copy(const std::string& name, const std::filesystem::path& source,
                unsigned mode) override;
  void finish();  // throws PackageError

 private:
  void set_mode(long long index, const std::string& name, unsigned mode);
  [[noreturn]] void fail(const std::string& attempt);

  zip* archive_ = nullptr;
  std::filesystem::path file_;
  // libzip reads an entry's bytes only in finish(): the texts must live until then, at
  // addresses that never move.
  std::list<std::string> texts_;
};

}  // namespace socklab::harness
