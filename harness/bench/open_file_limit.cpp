#include "harness/bench/open_file_limit.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <string>

#include "harness/bench/bench_error.hpp"
#include "net/errno_text.hpp"

namespace socklab::bench {

void raise_open_file_limit(std::size_t needed) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) throw_errno("getrlimit(RLIMIT_NOFILE)", errno);
  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed) {
    throw BenchError("socklab bench needs " + std::to_string(needed) +
                     " open descriptors (the largest --idle count, the active connections and some "
                     "spare) but the hard limit of open files is " +
                     std::to_string(limit.rlim_max) + "; raise it (`ulimit -Hn " +
                     std::to_string(needed) +
                     "` as root, or a nofile line in "
                     "/etc/security/limits.conf) or lower --idle");
  }
  if (limit.rlim_cur == limit.rlim_max) return;
  limit.rlim_cur = limit.rlim_max;
  if (::setrlimit(RLIMIT_NOFILE, &limit) != 0) throw_errno("setrlimit(RLIMIT_NOFILE)", errno);
}

}  // namespace socklab::bench
