// Points and other rubric numbers as people write them: "10", "5.5", never "10.000000". Shared
// by the manifest's errors, the grade formats and the packages' scripts.
#pragma once

#include <cstdio>
#include <string>

namespace socklab::harness {

inline std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

}  // namespace socklab::harness
