// Runs build/bin/socklab as a separate process, exactly as a user runs it, and reads back its
// exit status, its output and the report.json it wrote.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace socklab::testing {

struct SocklabRun {
  int exit_status = -1;
  nlohmann::json report;
  std::string output;
};

// `socklab SUBCOMMAND ARGUMENTS` (check by default), its report in a fresh folder named
// after `tag`.
inline SocklabRun run_socklab(const std::string& arguments, const std::string& tag,
                                    const std::string& subcommand = "check") {
  namespace fs = std::filesystem;
  fs::path out = fs::temp_directory_path() / ("socklab-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  // --out first: `arguments` may end with `-- PROGRAM_ARGUMENTS`, which takes everything after it.
  std::string command = std::string(SOCKLAB_BIN_DIR) + "/socklab " + subcommand + " --out " +
                        out.string() + " " + arguments + " 2>&1";
  SocklabRun run;
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return run;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) run.output.append(buffer, n);
  int status = ::pclose(pipe);
  run.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream report(out / "report.json");
  if (report) run.report = nlohmann::json::parse(report, nullptr, false);
  fs::remove_all(out);
  return run;
}

}  // namespace socklab::testing
