// SyscallCount: how many system calls a running process makes during a window, counted by
// perf's raw_syscalls:sys_enter tracepoint (perf stat -p PID), or by strace -c -f -p PID
// when perf is missing or not allowed. strace stops the process at every call, so a window
// counted by strace must not also be the window whose throughput is reported.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace socklab::bench {

enum class SyscallCounterTool { perf, strace };

class SyscallCount {
 public:
  // Attaches to `pid` (all its threads). nullopt when neither tool can; `why_not` then says
  // what each said, for the report ("perf: not installed; strace: ptrace not permitted").
  static std::optional<SyscallCount> attach(pid_t pid, std::string& why_not);

  SyscallCount(SyscallCount&&) noexcept;
  SyscallCount& operator=(SyscallCount&&) noexcept;
  ~SyscallCount();  // detaches if finish() was not called

  // Detaches and returns the number of system calls counted since attach; nullopt when the
  // tool's report could not be read (the reason is then in `why_not`).
  std::optional<std::uint64_t> finish(std::string& why_not);
  SyscallCounterTool tool() const;

 private:
  struct Attached;
  explicit SyscallCount(std::unique_ptr<Attached> attached);
  std::unique_ptr<Attached> attached_;
};

}  // namespace socklab::bench
