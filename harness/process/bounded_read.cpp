#include "harness/process/bounded_read.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "net/fd.hpp"

namespace socklab::harness::detail {
namespace {

// pread until `max_bytes` or end of file. A read error mid-way (EIO on a vanished /proc entry)
// ends the text where it stopped: what was read is still worth showing.
std::string read_from(int fd, off_t offset, std::size_t max_bytes) {
  std::string text(max_bytes, '\0');
  std::size_t filled = 0;
  while (filled < max_bytes) {
    ssize_t n =
        ::pread(fd, text.data() + filled, max_bytes - filled, offset + static_cast<off_t>(filled));
    if (n > 0) {
      filled += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      break;  // end of file, or an error after which nothing more can be read
    }
  }
  text.resize(filled);
  return text;
}

Fd open_for_reading(const std::filesystem::path& file) {
  Fd fd;
  do {
    fd = Fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  } while (!fd && errno == EINTR);
  return fd;
}

}  // namespace

std::optional<std::string> read_head(const std::filesystem::path& file, std::size_t max_bytes) {
  Fd fd = open_for_reading(file);
  if (!fd) return std::nullopt;
  return read_from(fd.get(), 0, max_bytes);
}

std::optional<std::string> read_tail(const std::filesystem::path& file, std::size_t max_bytes) {
  Fd fd = open_for_reading(file);
  if (!fd) return std::nullopt;
  struct stat status {};
  // fstat fails only on a bad descriptor; then start at 0 and let the bounded read decide.
  off_t size = ::fstat(fd.get(), &status) == 0 ? status.st_size : 0;
  off_t start = size > static_cast<off_t>(max_bytes) ? size - static_cast<off_t>(max_bytes) : 0;
  return read_from(fd.get(), start, max_bytes);
}

}  // namespace socklab::harness::detail
