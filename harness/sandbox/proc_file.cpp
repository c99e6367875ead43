#include "harness/sandbox/proc_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "net/fd.hpp"

namespace socklab::harness {

int write_proc_file(const std::string& path, const std::string& text) {
  // Files under /proc/sys/net resolve to the network namespace of the thread that opens them.
  Fd file(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!file) return errno;
  for (;;) {
    ssize_t written = ::write(file.get(), text.data(), text.size());
    if (written == static_cast<ssize_t>(text.size())) return 0;
    if (written >= 0) return EIO;  // /proc takes a value whole or not at all: a short write failed
    if (errno != EINTR) return errno;
  }
}

int read_proc_file(const std::string& path, std::string& contents) {
  Fd file(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!file) return errno;
  contents.clear();
  char chunk[512];
  for (;;) {
    ssize_t got = ::read(file.get(), chunk, sizeof chunk);
    if (got > 0) {
      contents.append(chunk, static_cast<std::size_t>(got));
      continue;
    }
    if (got == 0) return 0;
    if (errno != EINTR) return errno;
  }
}

}  // namespace socklab::harness
