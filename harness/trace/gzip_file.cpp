#include "harness/trace/gzip_file.hpp"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>

namespace socklab::harness {
namespace {

// fopencookie's callbacks: the cookie is the gzFile. zlib reports its own errors through
// gzerror; the FILE* sees them as a short count, which libpcap turns into "truncated file".
ssize_t gzip_read(void* cookie, char* buffer, size_t size) {
  int count = gzread(static_cast<gzFile>(cookie), buffer, static_cast<unsigned>(size));
  return count < 0 ? -1 : count;
}

ssize_t gzip_write(void* cookie, const char* buffer, size_t size) {
  int count = gzwrite(static_cast<gzFile>(cookie), buffer, static_cast<unsigned>(size));
  return count <= 0 && size > 0 ? -1 : count;
}

int gzip_close(void* cookie) { return gzclose(static_cast<gzFile>(cookie)) == Z_OK ? 0 : EOF; }

FilePtr wrap(gzFile gzip, const char* mode, const std::filesystem::path& path) {
  if (gzip == nullptr) {
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  cookie_io_functions_t functions{};
  functions.close = gzip_close;
  if (mode[0] == 'r') {
    functions.read = gzip_read;
  } else {
    functions.write = gzip_write;
  }
  std::FILE* file = ::fopencookie(gzip, mode[0] == 'r' ? "r" : "w", functions);
  if (file == nullptr) {
    gzclose(gzip);
    throw std::runtime_error("cannot open " + path.string() + ": " + std::strerror(errno));
  }
  return FilePtr(file);
}

}  // namespace

bool is_gzip_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {};
  in.read(reinterpret_cast<char*>(magic), 2);
  return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

FilePtr open_gzip_for_reading(const std::filesystem::path& path) {
  return wrap(gzopen(path.c_str(), "rb"), "r", path);
}

FilePtr open_gzip_for_writing(const std::filesystem::path& path) {
  return wrap(gzopen(path.c_str(), "wb9"), "w", path);
}

}  // namespace socklab::harness
