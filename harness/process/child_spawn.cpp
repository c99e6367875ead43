#include "harness/process/child_spawn.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/process/bounded_read.hpp"
#include "harness/process/child_steps.hpp"
#include "net/errno_text.hpp"
#include "net/fd.hpp"

extern char** environ;

namespace socklab::harness::detail {
namespace {

[[noreturn]] void fail_to_start(const LaunchSpec& spec, const std::string& detail) {
  throw std::runtime_error("cannot start " + spec.program.string() + ": " + detail);
}

// The harness's descriptors 0-2 may be closed (a daemonised run): a log opened then could be
// numbered 1 and be overwritten by the child's dup2 onto 1. Every source is moved above 2.
Fd above_stdio(Fd fd, const LaunchSpec& spec) {
  if (fd.get() > STDERR_FILENO) return fd;
  Fd moved(::fcntl(fd.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
  if (!moved) fail_to_start(spec, "fcntl(F_DUPFD_CLOEXEC): " + errno_text(errno));
  return moved;
}

// Opened here, not in the child: the harness owns the files (and can read them whatever user
// the program runs as), and the child only has to dup2 them.
Fd open_for_child(const std::filesystem::path& file, int flags, const LaunchSpec& spec) {
  Fd fd(::open(file.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd) fail_to_start(spec, "open " + file.string() + ": " + errno_text(errno));
  return above_stdio(std::move(fd), spec);
}

// What the child's descriptors 0, 1 and 2 become.
struct ChildStdio {
  Fd in, out, err;
};

ChildStdio open_stdio(const LaunchSpec& spec) {
  constexpr int kLogFlags = O_WRONLY | O_CREAT | O_TRUNC;
  ChildStdio stdio;
  stdio.in = open_for_child("/dev/null", O_RDONLY, spec);
  stdio.out = open_for_child(spec.stdout_log, kLogFlags, spec);
  if (spec.stderr_log != spec.stdout_log) {
    stdio.err = open_for_child(spec.stderr_log, kLogFlags, spec);
    return stdio;
  }
  // One file for both: a second O_TRUNC open would have its own offset and overwrite the first.
  stdio.err = Fd(::fcntl(stdio.out.get(), F_DUPFD_CLOEXEC, STDERR_FILENO + 1));
  if (!stdio.err) fail_to_start(spec, "fcntl(F_DUPFD_CLOEXEC): " + errno_text(errno));
  return stdio;
}

// argv and envp as the NULL-terminated arrays execve wants, pointing into owned strings.
struct ExecArguments {
  std::vector<std::string> texts;
  std::vector<char*> argv;
  std::vector<char*> envp;

  explicit ExecArguments(const LaunchSpec& spec) {
    texts.push_back(spec.program.string());
    texts.insert(texts.end(), spec.arguments.begin(), spec.arguments.end());
    std::size_t argument_count = texts.size();
    // The harness's own environment, copied now: setenv in another thread must not change it
    // under the child.
    for (char** entry = environ; *entry != nullptr; ++entry) texts.emplace_back(*entry);
    // In front of the inherited ones: getenv finds the first of two equal names.
    texts.insert(texts.begin() + static_cast<std::ptrdiff_t>(argument_count),
                 spec.extra_environment.begin(), spec.extra_environment.end());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      (i < argument_count ? argv : envp).push_back(texts[i].data());
    }
    argv.push_back(nullptr);
    envp.push_back(nullptr);
  }
};

rlim_t limit_or_infinity(std::uint64_t value) { return value == 0 ? RLIM_INFINITY : value; }

// Raising a hard limit takes CAP_SYS_RESOURCE in the initial user namespace, which a harness in
// a user namespace or a container usually lacks: every limit is capped at the harness's own
// hard limit, so that the launch does not fail with EPERM.
rlimit capped(int resource, rlim_t soft, rlim_t hard) {
  rlimit current{};
  if (::getrlimit(resource, &current) != 0) return {soft, hard};  // only for a bad resource
  hard = std::min(hard, current.rlim_max);  // RLIM_INFINITY is the largest rlim_t
  return {std::min(soft, hard), hard};
}

void add_limits(ChildPlan& plan, const ProcessLimits& limits) {
  auto add = [&plan](int resource, rlim_t soft, rlim_t hard) {
    plan.limits[static_cast<std::size_t>(plan.limit_count++)] = {resource,
                                                                 capped(resource, soft, hard)};
  };
  // Soft limit: SIGXCPU, which kills by default; the hard limit one second later is SIGKILL
  // for a program that catches SIGXCPU.
  if (limits.cpu_seconds > 0) {
    auto seconds = static_cast<rlim_t>(limits.cpu_seconds);
    add(RLIMIT_CPU, seconds, seconds + 1);
  }
  add(RLIMIT_DATA, limit_or_infinity(limits.data_bytes), limit_or_infinity(limits.data_bytes));
  add(RLIMIT_AS, limit_or_infinity(limits.address_space_bytes),
      limit_or_infinity(limits.address_space_bytes));
  // RLIM_INFINITY is refused for RLIMIT_NOFILE (above fs.nr_open): 0 keeps the harness's own.
  if (limits.open_files > 0) {
    auto files = static_cast<rlim_t>(limits.open_files);
    add(RLIMIT_NOFILE, files, files);
  }
  add(RLIMIT_FSIZE, limit_or_infinity(limits.log_bytes), limit_or_infinity(limits.log_bytes));
  add(RLIMIT_CORE, 0, 0);  // a crash is a verdict; a core file in the submission is litter
  if (limits.processes > 0) {
    auto tasks = static_cast<rlim_t>(limits.processes);
    add(RLIMIT_NPROC, tasks, tasks);
  }
}

std::atomic<long> unprivileged_id{65534};

// Only used when close_range(2) is missing (Linux < 5.11): the descriptors to mark one by one.
int highest_possible_fd() {
  rlimit open_files{};
  if (::getrlimit(RLIMIT_NOFILE, &open_files) != 0 || open_files.rlim_cur == RLIM_INFINITY) {
    return 65535;  // getrlimit cannot fail for a valid resource; a sane bound all the same
  }
  return static_cast<int>(std::min<rlim_t>(open_files.rlim_cur, 1 << 20)) - 1;
}

std::string describe_failure(const ChildFailure& failure, bool dropped_root) {
  std::string error = errno_text(failure.error);
  if (failure.step != static_cast<int>(ChildStep::kExec)) {
    return std::string(child_step_name(failure.step)) + ": " + error;
  }
  if (failure.error == EACCES && dropped_root) {
    error +=
        ". The sandbox runs programs as nobody (uid 65534), so the file must be readable"
        " and executable by others, and every folder above it searchable by others"
        " (chmod o+rx)";
  }
  return error;
}

// EOF means exec succeeded: the close-on-exec pipe closed with it. Otherwise the child wrote
// one report (8 bytes, atomic in a pipe) and exited.
bool read_failure(int report_fd, ChildFailure& failure) {
  ssize_t n;
  do {
    n = ::read(report_fd, &failure, sizeof failure);
  } while (n < 0 && errno == EINTR);
  if (n < 0) failure = {static_cast<int>(ChildStep::kReport), errno};
  return n != 0;
}

void reap_failed_child(pid_t pid) {
  int status = 0;
  // The child has exited or is about to (it _exits right after its report), so this is brief.
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace

bool runs_as_real_root() {
  if (::getuid() != 0) return false;
  // Inside a user namespace uid_map maps a range onto some outside uid; only the initial
  // namespace maps all 2^32-1 ids onto themselves.
  std::istringstream map(read_head("/proc/self/uid_map", 4096).value_or(""));
  std::uint64_t inside = 1, outside = 1, count = 0;
  map >> inside >> outside >> count;
  return inside == 0 && outside == 0 && count == 4294967295ull;
}

pid_t spawn_supervised(const LaunchSpec& spec) {
  ExecArguments exec_arguments(spec);
  ChildStdio stdio = open_stdio(spec);
  int report_ends[2];
  if (::pipe2(report_ends, O_CLOEXEC) != 0) fail_to_start(spec, "pipe2: " + errno_text(errno));
  Fd report_read(report_ends[0]);
  Fd report_write(report_ends[1]);

  ChildPlan plan;
  plan.program = exec_arguments.texts.front().c_str();
  plan.argv = exec_arguments.argv.data();
  plan.envp = exec_arguments.envp.data();
  plan.stdio = {stdio.in.get(), stdio.out.get(), stdio.err.get()};
  plan.netns_fd = spec.netns != nullptr ? spec.netns->fd() : -1;
  std::vector<std::string> mount_paths;
  mount_paths.reserve(spec.bind_mounts.size() * 2);  // no reallocation: c_str()s stay valid
  std::vector<ChildBindMount> bind_mounts;
  for (const BindMount& bind : spec.bind_mounts) {
    const std::string& source = mount_paths.emplace_back(bind.source.string());
    const std::string& target = mount_paths.emplace_back(bind.target.string());
    bind_mounts.push_back({source.c_str(), target.c_str()});
  }
  plan.bind_mounts = bind_mounts.data();
  plan.bind_mount_count = static_cast<int>(bind_mounts.size());
  plan.report_fd = report_write.get();
  plan.highest_fd = highest_possible_fd();
  add_limits(plan, spec.limits);
  plan.drop_root = spec.drop_root && runs_as_real_root();
  plan.unprivileged_id = unprivileged_id.load();
  plan.parent = ::getpid();

  pid_t pid = fork_child(plan);
  if (pid < 0) fail_to_start(spec, "fork: " + errno_text(errno));
  report_write.reset();  // now only the child holds the write end: its exec brings EOF
  ChildFailure failure{};
  if (!read_failure(report_read.get(), failure)) return pid;
  // Our own unreaped child: kill cannot fail, and the child must not run on unsupervised.
  if (failure.step == static_cast<int>(ChildStep::kReport)) ::kill(pid, SIGKILL);
  reap_failed_child(pid);
  fail_to_start(spec, describe_failure(failure, plan.drop_root));
}

}  // namespace socklab::harness::detail

namespace socklab::harness {

void set_unprivileged_user(long id) { detail::unprivileged_id = id; }
long unprivileged_user() { return detail::unprivileged_id.load(); }

}  // namespace socklab::harness
