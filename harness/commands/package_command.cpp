#include "harness/commands/package_command.hpp"

#include <cstdio>

#include "harness/engine/lab_manifest.hpp"
#include "harness/package/package.hpp"

namespace socklab::harness {
namespace {

int usage_error(const std::string& message) {
  std::fprintf(stderr, "socklab package: %s\n", message.c_str());
  return 2;
}

std::string listed(const std::vector<std::string>& names) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    text += (i == 0 ? "" : i + 1 == names.size() ? " or " : ", ") + names[i];
  }
  return text;
}

const LabManifest* manifest_named(const std::string& name, std::vector<std::string>& known) {
  for (const LabManifest& manifest : lab_manifests()) {
    if (manifest.name == name) return &manifest;
    known.push_back(manifest.name);
  }
  return nullptr;
}

void print_summary(const PackageOptions& options, const PackageSummary& summary) {
  std::printf("socklab package: %s autograder for the %s lab written (%zu files of the kit):\n",
              options.platform.c_str(), options.lab.c_str(), summary.kit_files);
  for (const auto& file : summary.written) std::printf("  %s\n", file.c_str());
  for (const std::string& note : summary.notes) std::printf("note: %s\n", note.c_str());
  std::printf("next:\n");
  for (const std::string& step : summary.next_steps) std::printf("  - %s\n", step.c_str());
}

}  // namespace

CLI::App* add_package_command(CLI::App& app, PackageOptions& options) {
  CLI::App* command = app.add_subcommand(
      "package",
      "write a ready autograder for a lab: gradescope (a zip), autolab, github-classroom");
  command->add_option("platform", options.platform, "gradescope, autolab or github-classroom")
      ->required();
  command->add_option("lab", options.lab, "the lab to grade (see `socklab list`)")->required();
  command
      ->add_option("-o,--output", options.output,
                   "gradescope: the zip to write; autolab, github-classroom: the folder")
      ->required();
  command->add_option("--kit", options.kit_dir,
                      "the socklab source tree the package carries (default: the one this "
                      "socklab was built from)");
  return command;
}

int run_package_command(const PackageOptions& options) {
  std::optional<PackagePlatform> platform = package_platform_named(options.platform);
  if (!platform) {
    return usage_error("no grading platform named '" + options.platform + "': expected " +
                       listed(package_platform_names()));
  }
  std::vector<std::string> known_labs;
  const LabManifest* manifest = nullptr;
  try {
    manifest = manifest_named(options.lab, known_labs);
  } catch (const std::exception& error) {
    return usage_error(std::string("bad lab manifest: ") + error.what());
  }
  if (!manifest) {
    return usage_error("no lab named '" + options.lab + "': expected " + listed(known_labs));
  }
  PackageRequest request;
  request.platform = *platform;
  request.manifest = manifest;
  request.output = options.output;
  request.kit_dir = options.kit_dir.empty() ? SOCKLAB_SOURCE_DIR : options.kit_dir;
  request.toml_include_dir = built_with_toml_include_dir();
  try {
    print_summary(options, write_package(request));
  } catch (const PackageError& error) {
    return usage_error(error.what());
  }
  return 0;
}

}  // namespace socklab::harness
