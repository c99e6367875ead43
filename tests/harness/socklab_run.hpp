// Runs build/bin/socklab as a separate process, exactly as a user runs it, and reads back its
// exit status, its output and the report.json it wrote.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "tests/support/command_run.hpp"

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
  fs::path out =
      fs::temp_directory_path() / ("socklab-test-" + tag + "-" + std::to_string(::getpid()));
  fs::remove_all(out);
  // --out first: `arguments` may end with `-- PROGRAM_ARGUMENTS`, which takes everything after it.
  std::string command = std::string(SOCKLAB_BIN_DIR) + "/socklab " + subcommand + " --out " +
                        out.string() + " " + arguments;
  CommandRun command_run = run_command(command);
  SocklabRun run;
  run.exit_status = command_run.exit_status;
  run.output = std::move(command_run.output);
  std::ifstream report(out / "report.json");
  if (report) run.report = nlohmann::json::parse(report, nullptr, false);
  fs::remove_all(out);
  return run;
}

}  // namespace socklab::testing
