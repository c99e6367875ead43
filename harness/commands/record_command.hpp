// `socklab record`: golden traces from the references, in traces/<lab>/<scenario>.trace (the
// normalized form, which diffs well in git) and .pcap.gz (the capture, headers only, which
// Wireshark opens as it is).
#pragma once

#include <filesystem>
#include <string>

#include "harness/report/result.hpp"

namespace socklab::harness {

struct RecordTally {
  int unchanged = 0;  // the golden already accepts this run: its files are left untouched
  int written = 0;    // new, or the golden no longer matched the reference
  int refused = 0;    // the reference did not pass: no golden is made from a failing run
};

// For each scenario of `report`: keeps the golden when it accepts the run, else writes it
// anew, and prints one line per scenario saying which and why.
// With `check_only`, nothing is written: a run the golden does not accept (or a missing
// golden) is counted as `written` and explained, which is how tests prove the references
// still match their goldens.
RecordTally record_goldens(const RunReport& report, const std::filesystem::path& traces_dir,
                           bool check_only = false);

}  // namespace socklab::harness
