#include "harness/package/lab_values.hpp"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "harness/engine/number_text.hpp"
#include "harness/package/package.hpp"

namespace socklab::harness {
namespace {

// Letters, digits and . _ - only: such a word means the same unquoted in a shell script, a
// Makefile and a YAML file, and it cannot start an option or climb out of a folder.
bool plain_word(const std::string& word) {
  if (word.empty() || word[0] == '-' || word[0] == '.') return false;
  for (char c : word) {
    bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   c == '.' || c == '_' || c == '-';
    if (!allowed) return false;
  }
  return true;
}

std::string checked(const std::string& word, const std::string& what, const LabManifest& lab) {
  if (!plain_word(word)) {
    throw PackageError("the " + lab.name + " lab's " + what + " '" + word +
                       "' is not a plain name (letters, digits, '.', '_', '-'), so it cannot be "
                       "written into the package's scripts");
  }
  return word;
}

}  // namespace

double rubric_total(const LabManifest& manifest) {
  double total = 0;
  for (const RubricEntry& entry : manifest.rubric) total += entry.points;
  return total;
}

std::vector<std::pair<std::string, std::string>> category_totals(const LabManifest& manifest) {
  std::vector<std::pair<std::string, double>> totals;
  for (const RubricEntry& entry : manifest.rubric) {
    auto known = std::find_if(totals.begin(), totals.end(),
                              [&](const auto& total) { return total.first == entry.category; });
    if (known == totals.end()) {
      totals.emplace_back(entry.category, entry.points);
    } else {
      known->second += entry.points;
    }
  }
  std::vector<std::pair<std::string, std::string>> texts;
  for (const auto& [category, points] : totals) texts.emplace_back(category, number_text(points));
  return texts;
}

TemplateValues lab_template_values(const LabManifest& manifest) {
  if (manifest.files.empty()) throw PackageError("the " + manifest.name + " lab names no files");
  std::string files;
  for (const std::string& file : manifest.files) {
    files += (files.empty() ? "" : " ") + checked(file, "file", manifest);
  }
  // Autolab matches the keys of the scores line with the assessment's problem names; socklab
  // grade keys its line by rubric category, so the fallback does too.
  nlohmann::json zeros = nlohmann::json::object();
  for (const RubricEntry& entry : manifest.rubric) {
    zeros[checked(entry.category, "rubric category", manifest)] = 0;
  }
  return {{"LAB", checked(manifest.name, "name", manifest)},
          {"LAB_FOLDER", checked(manifest.folder, "folder", manifest)},
          {"FILES", files},
          {"MAX_POINTS", number_text(rubric_total(manifest))},
          {"FALLBACK_SCORES", nlohmann::json{{"scores", zeros}}.dump()}};
}

}  // namespace socklab::harness
