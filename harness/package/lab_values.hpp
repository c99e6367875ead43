// What a package needs to know about its lab, as the values its templates are filled with:
// @LAB@ (close), @LAB_FOLDER@ (07-close), @FILES@ (server.cpp), @MAX_POINTS@ (100), and
// @FALLBACK_SCORES@, Autolab's scores line of a grade that could not be made.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/engine/lab_manifest.hpp"

namespace socklab::harness {

using TemplateValues = std::map<std::string, std::string>;

// The rubric's total: what a perfect submission scores.
double rubric_total(const LabManifest& manifest);

// Each rubric category with its points, in the order the rubric first names it: ("closing",
// "76"). Autolab's problems are named after them.
std::vector<std::pair<std::string, std::string>> category_totals(const LabManifest& manifest);

// Throws PackageError when a name could not be written into a shell script as it is (the
// scripts quote nothing they do not have to, so the manifest's names must be plain words).
TemplateValues lab_template_values(const LabManifest& manifest);

}  // namespace socklab::harness
