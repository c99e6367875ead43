// Runs `socklab load` as a user does and reads its --csv output back as named columns.
#pragma once

#include <cstdint>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command_run.hpp"

namespace socklab::testing {

struct LoadRun {
  int exit_status = -1;
  std::string output;                      // stdout and stderr, for failure messages
  std::map<std::string, std::string> csv;  // column name -> value; empty without --csv

  std::uint64_t number(const std::string& column) const {
    auto found = csv.find(column);
    return found == csv.end() ? 0 : std::stoull(found->second);
  }
};

inline std::vector<std::string> split_commas(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream in(line);
  for (std::string field; std::getline(in, field, ',');) fields.push_back(field);
  return fields;
}

// `socklab load ARGUMENTS`; `shell_prefix` runs first in the same shell (e.g. "ulimit -n 64;").
inline LoadRun run_socklab_load(const std::string& arguments,
                                const std::string& shell_prefix = "") {
  CommandRun command =
      run_command(shell_prefix + std::string(SOCKLAB_BIN_DIR) + "/socklab load " + arguments);
  LoadRun run;
  run.exit_status = command.exit_status;
  run.output = command.output;
  std::stringstream lines(command.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("proto,", 0) != 0) continue;
    std::string values;
    std::getline(lines, values);
    std::vector<std::string> names = split_commas(line);
    std::vector<std::string> fields = split_commas(values);
    for (std::size_t i = 0; i < names.size() && i < fields.size(); ++i)
      run.csv[names[i]] = fields[i];
  }
  return run;
}

}  // namespace socklab::testing
