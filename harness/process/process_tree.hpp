// What a supervised program consists of, found in /proc: the processes it started, even those
// that tried to leave, so that stop() leaves none behind. And signals that reach exactly the
// process that was listed, never a stranger that has since been given the same pid.
#pragma once

#include <sys/types.h>

#include <vector>

#include "harness/process/proc_stat.hpp"
#include "net/fd.hpp"

namespace socklab::harness::detail {

// Every process, at one moment.
std::vector<ProcStat> read_process_table();

// The processes of the program whose main process is `leader` (which is not listed): those in
// its session or process group; those adopted by the harness (it is their subreaper) that sit
// in the program's network namespace `netns_inode` (0: none of its own) in a session of their
// own; and every descendant of any of these. Other supervised programs and their sessions are
// never included.
std::vector<ProcStat> program_processes(pid_t leader, ino_t netns_inode);

// Sends `signal_number` to the process `listed` describes, unless it has ended or its pid now
// belongs to another process.
void signal_process(const ProcStat& listed, int signal_number);

// kill(-pgid, signal_number); a group with no process left is not an error.
void signal_group(pid_t pgid, int signal_number);

// A descriptor that becomes readable when `pid` exits (pidfd_open, Linux >= 5.3); invalid
// on older kernels.
Fd open_pidfd(pid_t pid);

// The main pids of every SupervisedProcess not yet reaped, in any thread of the harness.
void register_supervised(pid_t pid);
void unregister_supervised(pid_t pid);

}  // namespace socklab::harness::detail
