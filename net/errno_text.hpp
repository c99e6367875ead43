// Errno names and messages: "ECONNRESET (Connection reset by peer)" tells a student both the
// symbol to search the man pages for and what it means.
#pragma once

#include <string>
#include <system_error>

namespace socklab {

// "ECONNRESET", or "errno 123" for a value the C library has no name for.
std::string errno_name(int error_number);

// "ECONNRESET (Connection reset by peer)".
std::string errno_text(int error_number);

// A set-up failure: "bind 127.0.0.1:80: EACCES (Permission denied)". Throws std::system_error.
[[noreturn]] void throw_errno(const std::string& attempt, int error_number);

}  // namespace socklab
