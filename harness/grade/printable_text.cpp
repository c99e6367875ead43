#include "harness/grade/printable_text.hpp"

#include <cstddef>

namespace socklab::harness::detail {
namespace {

// The length of the well-formed UTF-8 sequence at `at`, 0 if there is none (Unicode's table
// of well-formed byte sequences: no overlong forms, no surrogates, nothing above U+10FFFF).
std::size_t utf8_length(const std::string& text, std::size_t at) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[at + k]); };
  unsigned char lead = byte(0);
  std::size_t length = lead < 0x80   ? 1
                       : lead < 0xc2 ? 0
                       : lead < 0xe0 ? 2
                       : lead < 0xf0 ? 3
                       : lead < 0xf5 ? 4
                                     : 0;
  if (length == 0 || at + length > text.size()) return 0;
  unsigned char low = 0x80, high = 0xbf;  // the second byte's range, narrower after some leads
  if (lead == 0xe0) low = 0xa0;
  if (lead == 0xed) high = 0x9f;
  if (lead == 0xf0) low = 0x90;
  if (lead == 0xf4) high = 0x8f;
  if (length > 1 && (byte(1) < low || byte(1) > high)) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte(k) & 0xc0) != 0x80) return 0;
  }
  return length;
}

}  // namespace

std::string printable(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    if (text[i] == '\x1b' && i + 1 < text.size() && text[i + 1] == '[') {
      i += 2;
      while (i < text.size() && !(text[i] >= '@' && text[i] <= '~')) ++i;
      ++i;  // the final byte: m, K, ...
      continue;
    }
    std::size_t length = utf8_length(text, i);
    if (length == 0) {
      out += "\xef\xbf\xbd";
      ++i;
      continue;
    }
    bool control = length == 1 && static_cast<unsigned char>(text[i]) < 0x20 && text[i] != '\n' &&
                   text[i] != '\t';
    if (!control && text[i] != '\x7f') out.append(text, i, length);
    i += length;
  }
  return out;
}

}  // namespace socklab::harness::detail
