#include "harness/bench/peer_programs.hpp"

#include <unistd.h>

#include <string>
#include <system_error>
#include <vector>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/tool_path.hpp"

namespace socklab::bench {
namespace {

bool executable(const std::filesystem::path& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error) && ::access(path.c_str(), X_OK) == 0;
}

// The folder of the running program: the build puts socklab and the references side by side.
std::filesystem::path own_folder() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error)
    throw BenchError("cannot read /proc/self/exe to find socklab's own folder: " + error.message());
  return self.parent_path();
}

}  // namespace

PeerPrograms find_peer_programs() {
  PeerPrograms programs;
  std::vector<std::string> missing;
  const std::filesystem::path folder = own_folder();
  auto beside_us = [&](const std::string& name, std::filesystem::path& found) {
    found = folder / name;
    if (!executable(found))
      missing.push_back(found.string() + " (build it: cmake --build build --target " + name + ")");
  };
  auto from_path = [&](const std::string& name, const std::string& installer,
                       std::filesystem::path& found) {
    found = find_in_path(name).value_or(std::filesystem::path());
    if (found.empty()) missing.push_back(name + " (not in PATH; " + installer + " installs it)");
  };
  beside_us("socklab", programs.socklab);
  beside_us("ref-epoll-et", programs.ref_epoll_et);
  from_path("redis-server", "scripts/install-deps bench", programs.redis_server);
  from_path("redis-benchmark", "scripts/install-deps bench", programs.redis_benchmark);
  from_path("memcached", "scripts/install-deps bench", programs.memcached);
  from_path("taskset", "the util-linux package", programs.taskset);
  if (!missing.empty()) {
    std::string message = "programs it needs are missing:";
    for (const std::string& line : missing) message += "\n  " + line;
    throw BenchError(message);
  }
  return programs;
}

}  // namespace socklab::bench
