#include "tests/trace/tshark_flags.hpp"

#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>

#include "harness/trace/analysis_flags.hpp"

namespace socklab::trace_test {
namespace {

// Single quotes keep every character literal in the shell; a quote itself is closed, escaped
// and reopened.
std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

struct PipeCloser {
  void operator()(FILE* pipe) const { ::pclose(pipe); }
};

std::string output_of(const std::string& command) {
  std::unique_ptr<FILE, PipeCloser> pipe(::popen(command.c_str(), "r"));
  if (!pipe) throw std::runtime_error("cannot run " + command);
  std::string output;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0)
    output.append(buffer, count);
  int status = ::pclose(pipe.release());
  if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    throw std::runtime_error("failed: " + command);
  }
  return output;
}

}  // namespace

std::optional<std::filesystem::path> find_tshark() {
  const char* path = std::getenv("PATH");
  std::istringstream directories(path ? path : "");
  std::string directory;
  while (std::getline(directories, directory, ':')) {
    if (directory.empty()) continue;
    std::filesystem::path candidate = std::filesystem::path(directory) / "tshark";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return std::nullopt;
}

// tshark prints one line per frame: the frame number, then each -e field, empty when the frame
// lacks it ("1" or "1,1" for these fields, which carry no value). The preferences that matter
// are given on the command line, so that a user's own Wireshark settings cannot change them.
FrameFlags tshark_flags(const std::filesystem::path& tshark, const std::filesystem::path& capture) {
  std::string command =
      shell_quoted(tshark) + " -n -r " + shell_quoted(capture) +
      " -o tcp.analyze_sequence_numbers:TRUE -o 'tcp.default_window_scaling:Not known'"
      " -T fields -E separator=/t -e frame.number";
  for (harness::AnalysisFlag flag : harness::kAllAnalysisFlags) {
    command += std::string(" -e ") + harness::analysis_field(flag);
  }
  std::istringstream lines(output_of(command + " 2>/dev/null"));
  FrameFlags flags;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream fields(line);
    std::string frame;
    std::getline(fields, frame, '\t');
    harness::AnalysisFlags frame_flags = 0;
    std::string value;
    for (harness::AnalysisFlag flag : harness::kAllAnalysisFlags) {
      if (std::getline(fields, value, '\t') && !value.empty()) frame_flags |= flag;
    }
    if (frame_flags != 0)
      flags.by_frame[static_cast<std::uint32_t>(std::stoul(frame))] = frame_flags;
  }
  return flags;
}

}  // namespace socklab::trace_test
