#include "harness/bench/syscall_count.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "harness/bench/tool_path.hpp"
#include "harness/process/supervised_process.hpp"
#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::bench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// perf and strace attach to each thread in turn: ref-blocking with 10,000 idle connections has
// 10,000 of them, which takes seconds. Past this the tool is stuck or refused.
constexpr milliseconds kAttachPatience(30'000);
constexpr milliseconds kExitPatience(30'000);

fs::path fresh_folder() {
  std::string pattern = (fs::temp_directory_path() / "socklab-syscalls-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) throw_errno("mkdtemp " + pattern, errno);
  return pattern;
}

std::string file_text(const fs::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

harness::LaunchSpec tool_launch(const fs::path& program, std::vector<std::string> arguments,
                                const fs::path& folder) {
  harness::LaunchSpec launch;
  launch.program = program;
  launch.arguments = std::move(arguments);
  launch.stdout_log = folder / "stdout";
  launch.stderr_log = folder / "stderr";
  launch.drop_root = false;  // attaching to another process needs our privilege
  launch.limits.cpu_seconds = 0;
  // perf opens one counter (a descriptor) per thread of the target: 10,000 for ref-blocking
  // at 10,000 idle. Capped at socklab's hard limit, which bench checked.
  launch.limits.open_files = 1 << 20;
  return launch;
}

// Waits for `wanted` on `fd` (perf's ack FIFO), giving up when `tool` exits or time runs out.
bool read_reply(int fd, harness::SupervisedProcess& tool, const std::string& wanted) {
  const auto deadline = SteadyClock::now() + kAttachPatience;
  std::string got;
  while (SteadyClock::now() < deadline && tool.alive()) {
    pollfd readable{fd, POLLIN, 0};
    int ready = ::poll(&readable, 1, 100);  // 100 ms slices, to notice a tool that exited
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw_errno("poll on perf's ack FIFO", errno);
    if (ready == 0) continue;
    char buffer[64];
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return false;
    got.append(buffer, static_cast<std::size_t>(n));
    if (got.find(wanted) != std::string::npos) return true;
  }
  return false;
}

bool send_command(int fd, const std::string& command) {
  std::string line = command + "\n";
  for (;;) {
    ssize_t n = ::write(fd, line.data(), line.size());
    if (n == static_cast<ssize_t>(line.size())) return true;
    if (n < 0 && errno == EINTR) continue;
    return false;  // a FIFO write this small is atomic: anything else is a real failure
  }
}

// One running perf or strace, and what it needs to be read back.
struct ToolState {
  SyscallCounterTool tool;
  fs::path folder;
  harness::SupervisedProcess process;
  Fd control;  // perf only: --control fifo:ctl,ack
  Fd ack;
  bool finished = false;

  ~ToolState() {
    std::error_code ignored;  // a leftover temporary folder is harmless
    if (!finished) process.stop(milliseconds(500));
    fs::remove_all(folder, ignored);
  }

  std::string tool_stderr() const { return file_text(folder / "stderr"); }
};

// perf stat starts with its counter disabled (-D -1) and counts only between "enable" and
// "disable" on its control FIFO, each acknowledged: the window is exact, not "about when perf
// had attached".
std::unique_ptr<ToolState> attach_perf(pid_t pid, std::string& why_not) {
  auto perf = find_in_path("perf");
  if (!perf) {
    why_not += "perf: not installed (Debian: linux-perf)";
    return nullptr;
  }
  fs::path folder = fresh_folder();
  const fs::path control = folder / "control";
  const fs::path ack = folder / "ack";
  if (::mkfifo(control.c_str(), 0600) != 0) throw_errno("mkfifo " + control.string(), errno);
  if (::mkfifo(ack.c_str(), 0600) != 0) throw_errno("mkfifo " + ack.string(), errno);
  // O_RDWR: opening a FIFO for both directions never blocks waiting for the other end (Linux).
  Fd control_fd(::open(control.c_str(), O_RDWR | O_CLOEXEC));
  if (!control_fd) throw_errno("open " + control.string(), errno);
  Fd ack_fd(::open(ack.c_str(), O_RDWR | O_CLOEXEC | O_NONBLOCK));
  if (!ack_fd) throw_errno("open " + ack.string(), errno);
  auto attached = std::unique_ptr<ToolState>(new ToolState{
      SyscallCounterTool::perf, folder,
      harness::SupervisedProcess::launch(
          tool_launch(*perf,
                      {"stat", "-e", "raw_syscalls:sys_enter", "-x,", "-D", "-1", "--control",
                       "fifo:" + control.string() + "," + ack.string(), "-p", std::to_string(pid)},
                      folder)),
      std::move(control_fd), std::move(ack_fd)});
  if (send_command(attached->control.get(), "enable") &&
      read_reply(attached->ack.get(), attached->process, "ack"))
    return attached;
  why_not += "perf: could not count (" + attached->tool_stderr() + ")";
  return nullptr;
}

std::unique_ptr<ToolState> attach_strace(pid_t pid, std::string& why_not) {
  auto strace = find_in_path("strace");
  if (!strace) {
    why_not += "strace: not installed";
    return nullptr;
  }
  fs::path folder = fresh_folder();
  auto attached = std::unique_ptr<ToolState>(
      new ToolState{SyscallCounterTool::strace, folder,
                    harness::SupervisedProcess::launch(
                        tool_launch(*strace,
                                    {"-c", "-f", "-U", "calls,name", "-o",
                                     (folder / "summary").string(), "-p", std::to_string(pid)},
                                    folder)),
                    Fd(), Fd()});
  // strace says "Process PID attached" on stderr once it has stopped the main thread.
  const auto deadline = SteadyClock::now() + kAttachPatience;
  while (SteadyClock::now() < deadline && attached->process.alive()) {
    if (attached->tool_stderr().find("attached") != std::string::npos) return attached;
    std::this_thread::sleep_for(milliseconds(20));
  }
  why_not += "strace: could not attach (" + attached->tool_stderr() + ")";
  return nullptr;
}

// perf -x, prints "COUNT,,raw_syscalls:sys_enter,...". "<not counted>" means its counter never
// ran on the threads (seen with 10,000 threads to follow), so there is no count, not a zero.
std::optional<std::uint64_t> perf_count(const std::string& report) {
  std::stringstream lines(report);
  for (std::string line; std::getline(lines, line);) {
    if (line.find(",raw_syscalls:sys_enter") == std::string::npos) continue;
    std::string first = line.substr(0, line.find(','));
    char* end = nullptr;
    unsigned long long count = std::strtoull(first.c_str(), &end, 10);
    if (end == first.c_str() || *end != '\0') return std::nullopt;
    return count;
  }
  return std::nullopt;
}

// strace -c -U calls,name ends with "------ ----" and "  COUNT total".
std::optional<std::uint64_t> strace_count(const std::string& summary) {
  std::stringstream lines(summary);
  for (std::string line; std::getline(lines, line);) {
    std::stringstream fields(line);
    unsigned long long count = 0;
    std::string name;
    if (fields >> count >> name && name == "total") return count;
  }
  return std::nullopt;
}

}  // namespace

struct SyscallCount::Attached {
  std::unique_ptr<ToolState> state;
};

std::optional<SyscallCount> SyscallCount::attach(pid_t pid, std::string& why_not) {
  why_not.clear();
  if (auto perf = attach_perf(pid, why_not))
    return SyscallCount(std::make_unique<Attached>(Attached{std::move(perf)}));
  why_not += "; ";
  if (auto strace = attach_strace(pid, why_not))
    return SyscallCount(std::make_unique<Attached>(Attached{std::move(strace)}));
  return std::nullopt;
}

SyscallCount::SyscallCount(std::unique_ptr<Attached> attached) : attached_(std::move(attached)) {}
SyscallCount::SyscallCount(SyscallCount&&) noexcept = default;
SyscallCount& SyscallCount::operator=(SyscallCount&&) noexcept = default;
SyscallCount::~SyscallCount() = default;

SyscallCounterTool SyscallCount::tool() const { return attached_->state->tool; }

std::optional<std::uint64_t> SyscallCount::finish(std::string& why_not) {
  ToolState& attached = *attached_->state;
  if (attached.finished) {
    why_not = "the count was already read";
    return std::nullopt;
  }
  if (attached.tool == SyscallCounterTool::perf) {
    if (!send_command(attached.control.get(), "disable") ||
        !read_reply(attached.ack.get(), attached.process, "ack")) {
      why_not = "perf did not acknowledge `disable`: " + attached.tool_stderr();
      return std::nullopt;
    }
  }
  // Both tools print their report on SIGINT: perf stat its counts, strace its -c summary
  // (after detaching, which lets the traced process run on untouched).
  if (::kill(attached.process.pid(), SIGINT) != 0)
    throw_errno("kill(SIGINT) to the syscall counter", errno);
  attached.process.exits_within(kExitPatience);
  attached.process.stop(milliseconds(500));
  attached.finished = true;
  std::optional<std::uint64_t> count = attached.tool == SyscallCounterTool::perf
                                           ? perf_count(attached.tool_stderr())
                                           : strace_count(file_text(attached.folder / "summary"));
  if (!count)
    why_not = (attached.tool == SyscallCounterTool::perf ? "perf" : "strace") +
              std::string(" printed no count: ") + attached.tool_stderr();
  return count;
}

}  // namespace socklab::bench
