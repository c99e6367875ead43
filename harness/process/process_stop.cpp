// SupervisedProcess::stop(): the polite request, the grace period, then SIGKILL for the group,
// the session and every descendant found, and finally the reaping.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <set>
#include <thread>

#include "harness/process/process_tree.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::harness {
namespace {

using detail::ProcStat;
using SteadyClock = std::chrono::steady_clock;

// No event announces the exit of a process that is not our child, so the other members of the
// program are watched by looking again at this interval.
constexpr std::chrono::milliseconds kMemberPollInterval(5);
// SIGKILL takes effect asynchronously; each round looks again after this pause. A program that
// forks faster than the rounds kill (a fork bomb) may outlast them: the harness reports what
// it found and does not hang.
constexpr std::chrono::milliseconds kKillRoundPause(1);
constexpr int kMaxKillRounds = 200;

bool still_running(const ProcStat& listed) {
  auto current = detail::read_proc_stat(listed.pid);
  return current && current->same_process(listed) && current->running();
}

void wait_for_members(const std::vector<ProcStat>& members, SteadyClock::time_point deadline) {
  while (std::any_of(members.begin(), members.end(), still_running)) {
    auto left = deadline - SteadyClock::now();
    if (left <= SteadyClock::duration::zero()) return;
    std::this_thread::sleep_for(std::min<SteadyClock::duration>(kMemberPollInterval, left));
  }
}

// Adds to `known` the processes in `found` it does not hold yet (a pid with a new start time is
// a new process).
void merge(std::vector<ProcStat>& known, const std::vector<ProcStat>& found) {
  for (const ProcStat& process : found) {
    bool present = std::any_of(known.begin(), known.end(),
                               [&](const ProcStat& k) { return k.same_process(process); });
    if (!present) known.push_back(process);
  }
}

// The harness is the subreaper, so members whose parents died are its children now: their
// zombies are ours to reap, by pid, since other threads wait for their own children.
void reap_adopted(const std::vector<ProcStat>& members) {
  for (const ProcStat& listed : members) {
    auto current = detail::read_proc_stat(listed.pid);
    if (!current || !current->same_process(listed) || current->ppid != ::getpid()) continue;
    int status = 0;
    // WNOHANG: one still exiting stays a zombie until the harness exits; never a wait here.
    while (::waitpid(listed.pid, &status, WNOHANG) < 0 && errno == EINTR) {
    }
  }
}

// SIGKILL to everything of the program still running, in rounds until nothing is; returns
// how many processes other than the leader had to be killed.
int kill_everything_left(pid_t leader, ino_t netns_inode, std::vector<ProcStat> known) {
  std::set<pid_t> killed;
  for (int round = 0; round < kMaxKillRounds; ++round) {
    merge(known, detail::program_processes(leader, netns_inode));
    auto leader_stat = detail::read_proc_stat(leader);
    bool leader_running = leader_stat && leader_stat->running();
    bool any_running = false;
    for (const ProcStat& process : known) {
      if (!still_running(process)) continue;
      any_running = true;
      killed.insert(process.pid);
      detail::signal_process(process, SIGKILL);
    }
    if (!any_running && !leader_running) break;
    detail::signal_group(leader, SIGKILL);
    std::this_thread::sleep_for(kKillRoundPause);
  }
  reap_adopted(known);
  return static_cast<int>(killed.size());
}

}  // namespace

void SupervisedProcess::freeze() {
  if (alive()) detail::signal_group(pid_, SIGSTOP);
}

void SupervisedProcess::thaw() {
  if (alive()) detail::signal_group(pid_, SIGCONT);
}

SupervisedProcess::StopResult SupervisedProcess::stop(std::chrono::milliseconds grace) {
  if (stop_result_) return *stop_result_;
  const auto deadline = SteadyClock::now() + grace;
  // Listed before any signal, while every parent is alive: a descendant that left the session
  // is found only through its parent, and its parent may exit on SIGTERM.
  std::vector<ProcStat> members = detail::program_processes(pid_, netns_inode_);
  detail::signal_group(pid_, SIGTERM);
  for (const ProcStat& member : members) {
    if (member.pgid != pid_) detail::signal_process(member, SIGTERM);
  }
  // A frozen program (freeze()) cannot act on SIGTERM until it runs again; kill(1) sends
  // SIGCONT after SIGTERM for the same reason.
  detail::signal_group(pid_, SIGCONT);
  StopResult result;
  result.needed_sigkill = !wait_for_exit(deadline);
  wait_for_members(members, deadline);
  result.descendants_killed = kill_everything_left(pid_, netns_inode_, std::move(members));
  reap();
  result.status = exit_status_.value_or(ExitStatus{});
  stop_result_ = result;
  return result;
}

}  // namespace socklab::harness
