#include "harness/bench/log_folder.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "harness/bench/bench_error.hpp"

namespace socklab::bench {

LogFolder::LogFolder(const std::string& prefix) {
  std::string pattern = (std::filesystem::temp_directory_path() / (prefix + ".XXXXXX")).string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    throw BenchError("cannot create a log folder " + pattern + ": " + std::strerror(errno));
  }
  path_ = pattern;
}

LogFolder::~LogFolder() {
  if (kept_) return;
  std::error_code ignored;  // a folder that cannot be removed is left, not worth a crash
  std::filesystem::remove_all(path_, ignored);
}

}  // namespace socklab::bench
