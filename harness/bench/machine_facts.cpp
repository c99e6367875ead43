#include "harness/bench/machine_facts.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <ctime>
#include <fstream>

namespace socklab::bench {

MachineFacts machine_facts() {
  MachineFacts facts;
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  char date[32] = "unknown";
  if (::gmtime_r(&now, &utc) != nullptr)
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", &utc);
  facts.date = date;
  utsname names{};
  facts.kernel = ::uname(&names) == 0 ? names.release : "unknown";
  facts.cpu_model = "unknown";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) != 0) continue;
    std::size_t colon = line.find(':');
    if (colon != std::string::npos)
      facts.cpu_model = line.substr(line.find_first_not_of(' ', colon + 1));
    break;
  }
  long online = ::sysconf(_SC_NPROCESSORS_ONLN);  // -1 only where the count is unknowable
  facts.cpus = online > 0 ? static_cast<int>(online) : 0;
  return facts;
}

}  // namespace socklab::bench
