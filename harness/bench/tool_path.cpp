#include "harness/bench/tool_path.hpp"

#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "harness/bench/bench_error.hpp"

namespace socklab::bench {

std::optional<std::filesystem::path> find_in_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream folders(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (folder.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(folder) / name;
    // access(X_OK) answers for this process's user, which is who will run the tool.
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

std::filesystem::path require_tool(const std::string& name, const std::string& debian_package) {
  if (auto found = find_in_path(name)) return *found;
  throw BenchError("socklab bench needs `" + name + "`, which is not in PATH; install it with " +
                   "apt-get install " + debian_package + " (or scripts/install-deps bench)");
}

}  // namespace socklab::bench
