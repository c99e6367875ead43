// PackageSink: where a package's files go, named by their path inside the package
// ("socklab/net/fd.hpp") with the permission bits they must have there. ZipWriter puts them in
// a zip (Gradescope); DirectorySink in a folder (the GitHub Classroom package is one, and
// Autolab's autograde.tar is made from one).
#pragma once

#include <filesystem>
#include <string>

namespace socklab::harness {

constexpr unsigned kPlainFileMode = 0644;
constexpr unsigned kProgramMode = 0755;

class PackageSink {
 public:
  virtual ~PackageSink() = default;
  virtual void add_text(const std::string& name, const std::string& text, unsigned mode) = 0;
  virtual void add_copy(const std::string& name, const std::filesystem::path& source,
                        unsigned mode) = 0;
};

// Writes each file below `root`, making the folders on the way. Throws PackageError.
class DirectorySink final : public PackageSink {
 public:
  explicit DirectorySink(std::filesystem::path root) : root_(std::move(root)) {}

  void add_text(const std::string& name, const std::string& text, unsigned mode) override;
  void add_copy(const std::string& name, const std::filesystem::path& source,
                unsigned mode) override;

 private:
  std::filesystem::path place(const std::string& name) const;

  std::filesystem::path root_;
};

// The permission bits of a file on disk (0755, 0644), to carry them into a package.
unsigned permission_bits(const std::filesystem::path& file);

}  // namespace socklab::harness
