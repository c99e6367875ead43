#include "harness/package/tool_process.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "net/errno_text.hpp"
#include "net/fd.hpp"

extern char** environ;

namespace socklab::harness {
namespace {

// posix_spawn's file actions, released however the spawn ends.
struct SpawnActions {
  posix_spawn_file_actions_t actions;
  SpawnActions() { ::posix_spawn_file_actions_init(&actions); }
  ~SpawnActions() { ::posix_spawn_file_actions_destroy(&actions); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
};

std::string read_all(const Fd& fd) {
  std::string text;
  char buffer[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n > 0) {
      text.append(buffer, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return text;  // EOF: the tool, and everything it started, closed the pipe
    } else if (errno != EINTR) {
      return text;  // a read error on our own pipe: what was read is all there is
    }
  }
}

}  // namespace

ToolRun run_tool(const std::vector<std::string>& argv, bool with_stderr) {
  ToolRun run;
  int ends[2];
  // O_CLOEXEC: the tool gets the write end only as its stdout (dup2 clears the flag there), so
  // EOF comes as soon as the tool exits.
  if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("pipe2", errno);
  Fd read_end(ends[0]);
  Fd write_end(ends[1]);

  SpawnActions spawn;
  ::posix_spawn_file_actions_addopen(&spawn.actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&spawn.actions, write_end.get(), STDOUT_FILENO);
  if (with_stderr) {
    ::posix_spawn_file_actions_adddup2(&spawn.actions, write_end.get(), STDERR_FILENO);
  } else {
    ::posix_spawn_file_actions_addopen(&spawn.actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  }
  std::vector<char*> arguments;
  for (const std::string& argument : argv) arguments.push_back(const_cast<char*>(argument.c_str()));
  arguments.push_back(nullptr);

  pid_t pid = 0;
  int spawn_error =
      ::posix_spawnp(&pid, arguments[0], &spawn.actions, nullptr, arguments.data(), environ);
  write_end.reset();  // only the tool writes now
  // glibc (2.24 and later) reports a program it cannot exec here, as ENOENT or EACCES.
  if (spawn_error != 0) return run;
  run.started = true;
  run.output = read_all(read_end);

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) throw_errno("waitpid", errno);
  }
  if (WIFEXITED(status)) run.exit_code = WEXITSTATUS(status);
  return run;
}

}  // namespace socklab::harness
