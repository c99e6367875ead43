#include "harness/package/templates.hpp"

#include <stdexcept>
#include <utility>

namespace socklab::harness {
namespace {

struct BuiltInTemplate {
  std::string_view name;
  std::string_view text;
};

// Generated from harness/package/templates/* by CMakeLists.txt.
constexpr BuiltInTemplate kTemplates[] = {
#include "package_templates.inc"
};

bool marker_character(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }

// The first @NAME@ left in `text`, or "" when there is none.
std::string leftover_marker(const std::string& text) {
  for (std::size_t at = text.find('@'); at != std::string::npos; at = text.find('@', at + 1)) {
    std::size_t end = at + 1;
    while (end < text.size() && marker_character(text[end])) ++end;
    if (end > at + 1 && end < text.size() && text[end] == '@') return text.substr(at, end - at + 1);
  }
  return {};
}

}  // namespace

std::string_view package_template(std::string_view name) {
  for (const BuiltInTemplate& built_in : kTemplates) {
    if (built_in.name == name) return built_in.text;
  }
  throw std::logic_error("no package template named " + std::string(name));
}

std::string filled_template(std::string_view name, const TemplateValues& values) {
  std::string text(package_template(name));
  for (const auto& [key, value] : values) {
    const std::string marker = "@" + key + "@";
    for (std::size_t at = text.find(marker); at != std::string::npos;
         at = text.find(marker, at + value.size())) {
      text.replace(at, marker.size(), value);
    }
  }
  if (std::string marker = leftover_marker(text); !marker.empty()) {
    throw std::logic_error("package template " + std::string(name) + " has no value for " + marker);
  }
  return text;
}

}  // namespace socklab::harness
