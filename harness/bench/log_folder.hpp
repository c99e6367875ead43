// LogFolder: a fresh folder in $TMPDIR for the logs of one bench run's servers and tools.
// Removed when the run went well; kept, and named, when it did not, so that the evidence of a
// failure stays and a good run leaves nothing behind.
#pragma once

#include <filesystem>
#include <string>

namespace socklab::bench {

class LogFolder {
 public:
  // `prefix` names the folder: /tmp/PREFIX.XXXXXX. Throws BenchError when it cannot be made.
  explicit LogFolder(const std::string& prefix);
  LogFolder(const LogFolder&) = delete;
  LogFolder& operator=(const LogFolder&) = delete;
  ~LogFolder();  // removes the folder unless keep() was called

  const std::filesystem::path& path() const { return path_; }
  void keep() { kept_ = true; }

 private:
  std::filesystem::path path_;
  bool kept_ = false;
};

}  // namespace socklab::bench
