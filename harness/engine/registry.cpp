#include <algorithm>
#include <stdexcept>

#include "harness/engine/finding.hpp"
#include "harness/engine/scenario.hpp"

namespace socklab::harness {
namespace {

// A function-local static: registration runs during static initialisation of other files, in
// an order C++ does not fix, so the list must exist before the first of them.
std::vector<ScenarioSpec>& registry() {
  static std::vector<ScenarioSpec> scenarios;
  return scenarios;
}

}  // namespace

std::string Finding::sentence() const {
  std::string text = "expected " + expected + "; " + happened + ".";
  if (!meaning.empty()) text += " " + meaning;
  return text;
}

bool register_scenario(ScenarioSpec spec) {
  if (find_scenario(spec.group, spec.name)) {
    throw std::logic_error("scenario registered twice: " + spec.group + "/" + spec.name);
  }
  registry().push_back(std::move(spec));
  return true;
}

const std::vector<ScenarioSpec>& registered_scenarios() { return registry(); }

const ScenarioSpec* find_scenario(const std::string& group, const std::string& name) {
  auto& all = registry();
  auto found = std::find_if(all.begin(), all.end(), [&](const ScenarioSpec& spec) {
    return spec.group == group && spec.name == name;
  });
  return found == all.end() ? nullptr : &*found;
}

}  // namespace socklab::harness
