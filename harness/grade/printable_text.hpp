// Cleaning text that came from outside socklab (the compiler's lines quote the student's source)
// so that every grade format can hold it.
#pragma once

#include <string>

namespace socklab::harness::detail {

// Text every consumer can hold: XML 1.0 forbids most control characters even as references,
// and a terminal's colour codes (ESC [ ... m) mean nothing on a web page. Bytes that are not
// UTF-8 become U+FFFD, as a browser would show them.
std::string printable(const std::string& text);

}  // namespace socklab::harness::detail
