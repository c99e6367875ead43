#include "harness/process/process_tree.hpp"

#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <filesystem>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace socklab::harness::detail {
namespace {

std::mutex registry_mutex;
std::unordered_set<pid_t> registered_pids;  // guarded by registry_mutex

std::unordered_set<pid_t> supervised_pids() {
  std::lock_guard lock(registry_mutex);
  return registered_pids;
}

ino_t netns_inode_of(pid_t pid) {
  struct stat status {};
  // ENOENT: it has gone; EACCES: not ours to inspect. Either way it is not in the namespace.
  if (::stat(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), &status) != 0) return 0;
  return status.st_ino;
}

// Where the search starts: the leader, its session and group, and adopted orphans that left
// the session while in the program's network namespace.
bool is_root_member(const ProcStat& process, pid_t leader, ino_t netns_inode) {
  if (process.pid == leader || process.sid == leader || process.pgid == leader) return true;
  // An orphan is re-parented to us, its subreaper. Ours too are the helpers other modules
  // start (ip, nft), but those stay in the harness's session, which students' processes left.
  return netns_inode != 0 && process.ppid == ::getpid() && process.sid != ::getsid(0) &&
         netns_inode_of(process.pid) == netns_inode;
}

}  // namespace

std::vector<ProcStat> read_process_table() {
  std::vector<ProcStat> table;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    pid_t pid = 0;
    auto [end, parse_error] = std::from_chars(name.data(), name.data() + name.size(), pid);
    if (parse_error != std::errc() || end != name.data() + name.size()) continue;  // not a pid
    // A process that ended since the directory was listed is simply not in the table.
    if (auto stat = read_proc_stat(pid)) table.push_back(*stat);
  }
  return table;
}

std::vector<ProcStat> program_processes(pid_t leader, ino_t netns_inode) {
  const std::vector<ProcStat> table = read_process_table();
  const std::unordered_set<pid_t> supervised = supervised_pids();
  auto belongs_to_another = [&](const ProcStat& process) {
    return (process.pid != leader && supervised.count(process.pid) != 0) ||
           (process.sid != leader && supervised.count(process.sid) != 0);
  };
  std::unordered_map<pid_t, std::vector<const ProcStat*>> children;
  std::vector<const ProcStat*> pending;
  for (const ProcStat& process : table) {
    if (process.pid == ::getpid() || belongs_to_another(process)) continue;
    children[process.ppid].push_back(&process);
    if (is_root_member(process, leader, netns_inode)) pending.push_back(&process);
  }
  // Descendants follow: a process that left the session is still its parent's child.
  std::unordered_set<pid_t> found;
  std::vector<ProcStat> members;
  while (!pending.empty()) {
    const ProcStat* process = pending.back();
    pending.pop_back();
    if (!found.insert(process->pid).second) continue;
    if (process->pid != leader) members.push_back(*process);
    for (const ProcStat* child : children[process->pid]) pending.push_back(child);
  }
  return members;
}

void signal_process(const ProcStat& listed, int signal_number) {
  Fd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, listed.pid, 0)));
  if (!pidfd && errno != ENOSYS) return;  // ESRCH: it has ended and been reaped
  // The pidfd, once open, names one process for good. If that process still has the listed
  // start time, the signal reaches it and not a newcomer with its pid.
  auto current = read_proc_stat(listed.pid);
  if (!current || !current->same_process(listed)) return;
  // ESRCH (it has just ended) is the only failure left: ours to signal, a valid signal.
  if (pidfd) {
    ::syscall(SYS_pidfd_send_signal, pidfd.get(), signal_number, nullptr, 0);
  } else {
    ::kill(listed.pid, signal_number);  // Linux < 5.3: a window of a few microseconds remains
  }
}

void signal_group(pid_t pgid, int signal_number) {
  // Neither failure can be acted on: ESRCH means every member has ended (the id is the
  // unreaped leader's pid, so it names no other group), and EPERM needs every member to have
  // become another user through a setuid program, beyond any signal of ours.
  [[maybe_unused]] int result = ::kill(-pgid, signal_number);
}

Fd open_pidfd(pid_t pid) { return Fd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0))); }

void register_supervised(pid_t pid) {
  std::lock_guard lock(registry_mutex);
  registered_pids.insert(pid);
}

void unregister_supervised(pid_t pid) {
  std::lock_guard lock(registry_mutex);
  registered_pids.erase(pid);
}

}  // namespace socklab::harness::detail
