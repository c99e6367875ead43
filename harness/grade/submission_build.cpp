#include "harness/grade/submission_build.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <csignal>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "harness/process/bounded_read.hpp"
#include "harness/process/child_spawn.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/sandbox/net_namespace.hpp"
#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

// Bounds that no honest lab file comes near, and that stop a submission that tries to make
// the build itself the attack (a 100 MB source, templates that expand forever).
constexpr std::uintmax_t kMaxSourceBytes = 1 << 20;
constexpr auto kBuildTimeLimit = std::chrono::seconds(120);
constexpr int kBuildCpuSeconds = 100;
constexpr std::uint64_t kBuildMemoryBytes = 4ull << 30;
// RLIMIT_FSIZE binds every file the compiler writes, the program with its debug information
// included; -fmax-errors keeps the log itself short.
constexpr std::uint64_t kBuildFileBytes = 256ull << 20;
constexpr std::size_t kBuildLogReadBytes = 1 << 20;
constexpr std::size_t kFeedbackLines = 30;
constexpr int kMaxNotes = 12;

struct Recipe {
  std::string compiler;
  std::vector<std::string> compile_flags;
  std::vector<std::string> link_items;
};

Recipe read_recipe(const fs::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error("cannot read the lab build recipe " + file.string() +
                             ": build socklab first (cmake --build --preset default)");
  }
  Recipe recipe;
  bool in_link_items = false;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("compiler=", 0) == 0) {
      recipe.compiler = line.substr(9);
    } else if (line == "compile-flags-end") {
      in_link_items = true;
    } else {
      (in_link_items ? recipe.link_items : recipe.compile_flags).push_back(line);
    }
  }
  if (recipe.compiler.empty()) throw std::runtime_error(file.string() + " names no compiler");
  return recipe;
}

// Where a named file is in the submission: at its top, or, when the student handed in a folder
// (a repository, a zip's own top folder), the one file of that name below it. Empty when
// missing or ambiguous; `note` then says which.
std::optional<fs::path> find_named_file(const fs::path& submission, const std::string& name,
                                        std::string& note) {
  fs::path direct = submission / name;
  if (fs::is_regular_file(direct)) return direct;
  std::vector<fs::path> found;
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(
           submission, fs::directory_options::skip_permission_denied, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (it.depth() > 4) it.disable_recursion_pending();
    if (it->is_regular_file() && it->path().filename() == name) found.push_back(it->path());
  }
  if (found.size() == 1) {
    note = name + " was found at " + fs::relative(found[0], submission).string() +
           " in the submission, not at its top; that copy was built";
    return found[0];
  }
  if (found.size() > 1) {
    note = name + " is missing from the top of the submission, and " +
           std::to_string(found.size()) + " files below it have that name (" +
           fs::relative(found[0], submission).string() + ", " +
           fs::relative(found[1], submission).string() + "...): submit exactly one";
  } else {
    note = name + " is missing from the submission: the lab grades the file named " + name +
           ", from the skeleton labs/.../" + name;
  }
  return std::nullopt;
}

std::vector<std::string> extra_files(const fs::path& submission,
                                     const std::vector<std::string>& named) {
  std::vector<std::string> extras;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(submission, error)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.') continue;  // .git, editor files: nobody means those
    if (std::find(named.begin(), named.end(), name) != named.end()) continue;
    extras.push_back(name + (entry.is_directory() ? "/" : ""));
  }
  std::sort(extras.begin(), extras.end());
  return extras;
}

std::string read_head_lines(const fs::path& file, std::size_t max_lines) {
  std::string text = detail::read_head(file, kBuildLogReadBytes).value_or("");
  std::istringstream lines(text);
  std::string head;
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line);) {
    if (++count > max_lines) {
      head += "...\n";
      break;
    }
    head += line + "\n";
  }
  return head;
}

std::string shell_words(const std::string& program, const std::vector<std::string>& arguments) {
  std::string text = program;
  for (const std::string& argument : arguments) text += " " + argument;
  return text;
}

// /tmp/socklab-build-XXXXXX, owned by the user the build and the program run as.
BuildFolder make_build_folder() {
  std::string pattern = "/tmp/socklab-build-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr)
    throw std::runtime_error("mkdtemp " + pattern + ": " + errno_text(errno));
  BuildFolder folder{fs::path(pattern)};
  if (detail::runs_as_real_root()) {
    auto id = static_cast<uid_t>(unprivileged_user());
    if (::chown(pattern.c_str(), id, static_cast<gid_t>(id)) != 0)
      throw std::runtime_error("chown " + pattern + ": " + errno_text(errno));
  }
  return folder;
}

// What the build left, kept in OUT/build for the grader and the student to look at.
void keep_copy(const fs::path& from, const fs::path& to) {
  std::error_code ignored;
  fs::remove_all(to, ignored);
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive, ignored);
}

}  // namespace

BuildFolder& BuildFolder::operator=(BuildFolder&& other) noexcept {
  if (this != &other) {
    BuildFolder gone(std::move(*this));
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

BuildFolder::~BuildFolder() {
  if (path_.empty()) return;
  std::error_code ignored;  // nothing to do about a folder that cannot be removed but say so
  if (fs::remove_all(path_, ignored); ignored)
    std::fprintf(stderr, "socklab: cannot remove %s: %s\n", path_.c_str(),
                 ignored.message().c_str());
}

fs::path lab_folder_of(const LabManifest& manifest, const std::string& labs_dir) {
  fs::path root = labs_dir.empty() ? fs::path(SOCKLAB_SOURCE_DIR) / "labs" : fs::path(labs_dir);
  return root / manifest.folder;
}

BuiltSubmission build_submission(const SubmissionBuildRequest& request) {
  const auto started = std::chrono::steady_clock::now();
  BuiltSubmission built;
  SubmissionBuild& build = built.build;
  build.attempted = true;
  build.files = request.manifest->files;
  auto finish = [&](std::string problem) -> BuiltSubmission {
    build.problem = std::move(problem);
    build.succeeded = build.problem.empty();
    build.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(built);
  };

  if (!fs::is_directory(request.submission)) {
    return finish("the submission " + request.submission.string() + " is not a folder");
  }
  Recipe recipe = read_recipe(request.recipe);

  // A clean copy of the lab, then the student's files over it: the skeleton's other files are
  // what the handout promised, whatever else the student handed in.
  built.folder = make_build_folder();
  const fs::path& private_folder = built.folder.path();
  fs::path source = private_folder / "src";
  fs::create_directories(source);
  if (fs::is_directory(request.lab_folder)) {
    fs::copy(request.lab_folder, source, fs::copy_options::recursive);
  }
  std::vector<std::string> problems;
  std::vector<fs::path> sources;
  for (const std::string& name : request.manifest->files) {
    std::string note;
    std::optional<fs::path> found = find_named_file(request.submission, name, note);
    if (!note.empty() && found) build.notes.push_back(note);
    if (!found) {
      problems.push_back(note);
      continue;
    }
    if (fs::file_size(*found) > kMaxSourceBytes) {
      problems.push_back(name + " is " + std::to_string(fs::file_size(*found)) +
                         " bytes; a source file over 1 MiB is not built");
      continue;
    }
    fs::copy_file(*found, source / name, fs::copy_options::overwrite_existing);
    fs::path extension = fs::path(name).extension();
    if (extension == ".cpp" || extension == ".cc" || extension == ".cxx")
      sources.push_back(source / name);
  }
  std::vector<std::string> extras = extra_files(request.submission, request.manifest->files);
  for (std::size_t i = 0; i < extras.size(); ++i) {
    if (static_cast<int>(i) == kMaxNotes) {
      build.notes.push_back("and " + std::to_string(extras.size() - i) + " more files ignored");
      break;
    }
    build.notes.push_back("extra file ignored: " + extras[i] +
                          " (the lab builds only the files it names)");
  }
  if (!problems.empty()) {
    std::string problem = problems[0];
    for (std::size_t i = 1; i < problems.size(); ++i) problem += "; " + problems[i];
    return finish(problem);
  }

  built.program = private_folder / ("lab-" + request.manifest->name);
  std::vector<std::string> arguments = recipe.compile_flags;
  // Plain text that fits a feedback page: no colour codes, and the first errors only, which are
  // the ones that explain the rest.
  for (const char* flag : {"-fdiagnostics-color=never", "-fmax-errors=10", "-pipe"})
    arguments.push_back(flag);
  for (const fs::path& file : sources) arguments.push_back(file.string());
  arguments.insert(arguments.end(), recipe.link_items.begin(), recipe.link_items.end());
  arguments.push_back("-o");
  arguments.push_back(built.program.string());
  build.command = shell_words(recipe.compiler, arguments);

  std::optional<NetNamespace> no_network;
  if (request.own_network_namespace) no_network = NetNamespace::create();

  LaunchSpec spec;
  spec.program = recipe.compiler;
  spec.arguments = arguments;
  spec.netns = no_network ? &*no_network : nullptr;
  spec.stdout_log = private_folder / "compiler.log";
  spec.stderr_log = private_folder / "compiler.log";
  spec.limits.cpu_seconds = kBuildCpuSeconds;
  spec.limits.data_bytes = kBuildMemoryBytes;
  spec.limits.log_bytes = kBuildFileBytes;
  SupervisedProcess compiler = SupervisedProcess::launch(spec);
  bool finished = compiler.exits_within(kBuildTimeLimit);
  SupervisedProcess::StopResult stopped = compiler.stop(std::chrono::seconds(1));
  build.compiler_output = read_head_lines(private_folder / "compiler.log", kFeedbackLines);
  keep_copy(private_folder, request.work);
  if (!finished) {
    return finish("the build took longer than " + std::to_string(kBuildTimeLimit.count()) +
                  " s and was stopped: a lab program compiles in seconds");
  }
  if (!stopped.status.exited && stopped.status.signal == SIGXCPU) {
    return finish("the compiler used its " + std::to_string(kBuildCpuSeconds) +
                  " s of CPU time and was stopped");
  }
  if (!stopped.status.clean() || !fs::exists(built.program)) {
    std::string files;
    for (const std::string& name : request.manifest->files)
      files += (files.empty() ? "" : ", ") + name;
    std::string problem = "the compiler rejected " + files + " (it " + stopped.status.describe() +
                          "); its first messages are below";
    if (build.compiler_output.find("-Werror") != std::string::npos) {
      problem +=
          ". The lab's build treats warnings as errors (-Werror), as `cmake --build build "
          "--target lab-" +
          request.manifest->name + "` does on your machine";
    }
    return finish(problem);
  }
  return finish("");
}

}  // namespace socklab::harness
