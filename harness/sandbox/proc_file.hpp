// Reading and writing the kernel's text files under /proc: sysctls and a user namespace's maps.
#pragma once

#include <string>

namespace socklab::harness {

// Writes `text` in one write(), as /proc expects (the kernel parses each write on its own and
// refuses a second write to uid_map). Returns 0, or the errno of the failing call.
int write_proc_file(const std::string& path, const std::string& text);

// Reads the whole file into `contents`. Returns 0, or the errno of the failing call.
int read_proc_file(const std::string& path, std::string& contents);

}  // namespace socklab::harness
