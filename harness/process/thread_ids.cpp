#include "harness/process/thread_ids.hpp"

#include <charconv>
#include <filesystem>
#include <string>

#include "harness/process/bounded_read.hpp"

namespace socklab::harness::detail {

std::optional<std::vector<pid_t>> thread_ids(pid_t pid) {
  const std::string tasks = "/proc/" + std::to_string(pid) + "/task";
  std::error_code error;
  std::filesystem::directory_iterator entry(tasks, error), end;
  if (error) return std::nullopt;
  std::vector<pid_t> ids;
  for (; entry != end; entry.increment(error)) {
    if (error) return std::nullopt;
    pid_t tid = 0;
    const std::string name = entry->path().filename().string();
    auto [last, bad] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (bad != std::errc() || last != name.data() + name.size()) continue;
    ids.push_back(tid);
  }
  return ids;
}

std::optional<ThreadFiles> read_thread_files(pid_t pid, const char* name, std::size_t max_bytes) {
  auto ids = thread_ids(pid);
  if (!ids) return std::nullopt;
  ThreadFiles files;
  for (pid_t tid : *ids) {
    auto text = read_head(
        "/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/" + name, max_bytes);
    if (text) files.emplace_back(tid, std::move(*text));
  }
  return files;
}

}  // namespace socklab::harness::detail
