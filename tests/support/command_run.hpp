// Runs a shell command as a user would, and reads back its exit status and its output (stdout
// and stderr interleaved): the tests drive socklab, its packages and the validators this way.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace socklab::testing {

struct CommandRun {
  int exit_status = -1;  // 128 + N for a program killed by signal N, as a shell reports it
  std::string output;    // stdout and stderr, interleaved
};

inline CommandRun run_command(const std::string& command) {
  CommandRun run;
  std::FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  int status = ::pclose(pipe);
  if (WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) run.exit_status = 128 + WTERMSIG(status);
  return run;
}

// The whole file; "" when it cannot be read.
inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace socklab::testing
