#include "net/errno_text.hpp"

#include <cstring>

namespace socklab {

std::string errno_name(int error_number) {
  // strerrorname_np is glibc >= 2.32 (Debian 12, Ubuntu 22.04); it returns nullptr when unknown.
  if (const char* name = ::strerrorname_np(error_number)) return name;
  return "errno " + std::to_string(error_number);
}

std::string errno_text(int error_number) {
  return errno_name(error_number) + " (" + std::strerror(error_number) + ")";
}

void throw_errno(const std::string& attempt, int error_number) {
  throw std::system_error(error_number, std::generic_category(),
                          attempt + ": " + errno_name(error_number));
}

}  // namespace socklab
