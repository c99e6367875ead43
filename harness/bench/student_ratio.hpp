// socklab bench LAB --server PATH: a student's server against the lab's reference, measured
// the same way (fresh server, pinned, warm-up, measured window), alternating the two in each
// repetition, and summed up as one ratio for a leaderboard.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace socklab::bench {

struct StudentRatioOptions {
  std::string lab;                            // blocking, select, poll, epoll-lt, epoll-et
  std::filesystem::path server;               // the student's program
  std::vector<std::string> server_arguments;  // after `--`, before our `--port 0`
  int repetitions = 5;
  double seconds = 1.0;
  double warmup_seconds = 0.3;
  bool csv = false;
  std::filesystem::path bin_dir;  // socklab and ref-LAB
};

// Exit status: 0 measured (the table and `ratio: X.XX` printed); 2 the student's server did not
// start, exited, or failed requests, or the reference could not be measured (said why).
int run_student_ratio(const StudentRatioOptions& options);

}  // namespace socklab::bench
