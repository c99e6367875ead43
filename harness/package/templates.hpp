// The scripts packages are made of, kept as files in harness/package/templates/ and built into
// socklab (CMakeLists.txt), so that a socklab copied anywhere writes the same packages. In a
// template, @NAME@ marks a value filled in per lab (lab_values.hpp); shell and YAML syntax such
// as ${{ ... }} or "$@" is left alone.
#pragma once

#include <string>
#include <string_view>

#include "harness/package/lab_values.hpp"

namespace socklab::harness {

// The template's text as it is; throws std::logic_error for a name that is not built in.
std::string_view package_template(std::string_view name);

// The template with every @NAME@ replaced by its value; a marker left without a value is a bug
// in the template and throws std::logic_error naming it, so no package ships with one.
std::string filled_template(std::string_view name, const TemplateValues& values);

}  // namespace socklab::harness
