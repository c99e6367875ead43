// The labs socklab knows: each names its reference program and the scenario group it runs.
#pragma once

#include <string>
#include <vector>

#include "harness/engine/scenario.hpp"

namespace socklab::harness {

struct Lab {
  std::string name;            // "epoll-et": what users type
  std::string title;           // one line for `socklab list`
  std::string scenario_group;  // "echo"
  // The program under test is a client (nbconnect): the harness runs it against targets of its
  // own instead of connecting to it, and its reference is ref-<lab> all the same.
  bool program_is_client = false;
};

const std::vector<Lab>& all_labs();
const Lab* find_lab(const std::string& name);
std::string reference_program_name(const Lab& lab);  // "ref-epoll-et"

// The scenarios of a group in teaching order: the simplest behaviour first.
std::vector<const ScenarioSpec*> scenarios_in_group(const std::string& group);
// The lab's scenarios in the order of its manifest's checkpoints (lab_manifest.hpp), or in
// its group's order when it has no manifest.
std::vector<const ScenarioSpec*> scenarios_of(const Lab& lab);

}  // namespace socklab::harness
