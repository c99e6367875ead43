#include <string.h>

#include <string>

#include "harness/process/supervised_process.hpp"

namespace socklab::harness {

std::string ExitStatus::describe() const {
  if (exited) return "exited with status " + std::to_string(code);
  if (signal == 0) {
    // Only when another waitpid() in the harness took the status first: a harness bug.
    return "ended, but its exit status was collected elsewhere";
  }
  // sigabbrev_np and sigdescr_np (glibc >= 2.32) are thread-safe, unlike strsignal, and
  // return nullptr for a number the C library does not know.
  const char* name = ::sigabbrev_np(signal);
  const char* meaning = ::sigdescr_np(signal);
  std::string text = "was killed by ";
  text += name != nullptr ? "SIG" + std::string(name) : "signal " + std::to_string(signal);
  if (meaning != nullptr) text += " (" + std::string(meaning) + ")";
  if (core_dumped) text += ", core dumped";
  return text;
}

}  // namespace socklab::harness
