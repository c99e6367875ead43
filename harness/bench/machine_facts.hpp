// What a benchmark result depends on besides the code: when and where it was measured.
#pragma once

#include <string>

namespace socklab::bench {

struct MachineFacts {
  std::string date;       // UTC, "2024-05-01 12:34"
  std::string kernel;     // uname -r
  std::string cpu_model;  // /proc/cpuinfo's "model name", "unknown" when absent
  int cpus = 0;           // online CPUs
};

MachineFacts machine_facts();

}  // namespace socklab::bench
