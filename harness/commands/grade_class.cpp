#include "harness/commands/grade_class.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "harness/commands/run_steps.hpp"
#include "harness/engine/interruption.hpp"
#include "harness/engine/number_text.hpp"
#include "harness/process/child_spawn.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/sandbox/user_namespace.hpp"
#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Students' users when socklab is real root: far above any account a system hands out, one
// per student in the batch, never a user that owns anything else.
constexpr long kStudentUserBase = 1'900'000'000;
// A student whose grade has not finished by then is stopped: every scenario has its own
// timeouts, so only a hung harness could come near it.
constexpr auto kStudentTimeLimit = std::chrono::minutes(20);
// What is copied of a submission: plenty for source files, nothing like a stray dataset.
constexpr std::uintmax_t kMaxCopiedFileBytes = 1 << 20;
constexpr std::uintmax_t kMaxCopiedBytes = 64 << 20;

struct Student {
  std::string name;    // the submission's folder name
  std::string folder;  // its name under OUT: the same, with anything odd replaced
  fs::path out;
  long user = 0;  // 0: the harness's own (not real root)
  std::optional<SupervisedProcess> grading;
  std::chrono::steady_clock::time_point started;
  // After the run:
  std::string status = "not graded";
  json grade;  // the "grade" section of its report.json
  double seconds = 0;
};

std::string safe_folder_name(const std::string& name) {
  std::string safe;
  for (char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '_' || c == '.' || c == '@';
    safe += plain ? c : '_';
  }
  return safe;
}

// The submission, copied into the student's own folder: regular files and folders only (a
// symbolic link could point into a classmate's folder), within size bounds.
std::vector<std::string> copy_submission(const fs::path& from, const fs::path& to) {
  std::vector<std::string> skipped;
  std::uintmax_t copied = 0;
  fs::create_directories(to);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(from, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    fs::path relative = fs::relative(it->path(), from);
    if (it->is_symlink()) {
      skipped.push_back(relative.string() + " (a symbolic link)");
    } else if (it->is_directory()) {
      if (it.depth() >= 4) it.disable_recursion_pending();
      fs::create_directories(to / relative);
    } else if (it->is_regular_file()) {
      std::uintmax_t size = it->file_size();
      if (size > kMaxCopiedFileBytes || copied + size > kMaxCopiedBytes) {
        skipped.push_back(relative.string() + " (" + std::to_string(size) + " bytes)");
        continue;
      }
      fs::copy_file(it->path(), to / relative, fs::copy_options::overwrite_existing);
      copied += size;
    }
  }
  return skipped;
}

void change_owner(const fs::path& root, long user, long group) {
  auto own = [&](const fs::path& path) {
    // lchown: a link is never followed out of the folder. A failure leaves that one entry as
    // it was, which only matters for who may delete it later.
    [[maybe_unused]] int ignored =
        ::lchown(path.c_str(), static_cast<uid_t>(user), static_cast<gid_t>(group));
  };
  own(root);
  std::error_code error;
  for (auto it = fs::recursive_directory_iterator(root, error);
       !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    own(it->path());
  }
}

// Whoever ran the batch owns its results: the sudo user when run through sudo.
std::pair<long, long> batch_owner() {
  const char* uid = std::getenv("SUDO_UID");
  const char* gid = std::getenv("SUDO_GID");
  if (uid && gid && ::geteuid() == 0) return {std::atol(uid), std::atol(gid)};
  return {static_cast<long>(::geteuid()), static_cast<long>(::getegid())};
}

// Whether a socklab here can make its namespaces: asked of a forked child, since entering them
// is for life and the batch itself must stay outside.
bool namespaces_can_be_made() {
  pid_t child = ::fork();
  if (child < 0) return false;
  if (child == 0) {
    // The child discards what it learns: stdout and stderr are not its to write.
    ::_exit(enter_sandbox().available ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string csv_field(const std::string& text) {
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::vector<std::string> categories_of(const LabManifest& manifest) {
  std::vector<std::string> categories;
  for (const RubricEntry& entry : manifest.rubric) {
    if (std::find(categories.begin(), categories.end(), entry.category) == categories.end())
      categories.push_back(entry.category);
  }
  return categories;
}

void collect(Student& student) {
  std::ifstream in(student.out / "report.json");
  json report = in ? json::parse(in, nullptr, false) : json();
  if (!report.is_object() || !report.contains("grade")) {
    if (student.status == "not graded") student.status = "error: socklab wrote no grade";
    return;
  }
  student.grade = report["grade"];
  bool built = !student.grade.contains("build") ||
               !student.grade["build"].value("attempted", false) ||
               student.grade["build"].value("succeeded", false);
  student.status = built ? "graded" : "build failed";
}

void write_grades_csv(const std::vector<Student>& students, const LabManifest& manifest,
                      const fs::path& file) {
  std::ofstream out(file);
  std::vector<std::string> categories = categories_of(manifest);
  out << "student,total,max";
  for (const std::string& category : categories) out << "," << csv_field(category);
  out << ",status\n";
  for (const Student& student : students) {
    out << csv_field(student.name);
    if (student.grade.is_object()) {
      out << "," << number_text(student.grade.value("points", 0.0)) << ","
          << number_text(student.grade.value("max_points", 0.0));
      for (const std::string& category : categories) {
        const json& scores = student.grade["categories"];
        out << ","
            << (scores.contains(category) ? number_text(scores[category].value("points", 0.0))
                                          : std::string("0"));
      }
    } else {
      out << ",,";
      for (std::size_t i = 0; i < categories.size(); ++i) out << ",";
    }
    out << "," << csv_field(student.status) << "\n";
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

void write_summary(const std::vector<Student>& students, const LabManifest& manifest,
                   const std::string& isolation, const fs::path& file) {
  std::vector<double> percents;
  for (const Student& student : students) {
    if (!student.grade.is_object()) continue;
    double max = student.grade.value("max_points", 0.0);
    if (max > 0) percents.push_back(100 * student.grade.value("points", 0.0) / max);
  }
  std::sort(percents.begin(), percents.end());
  std::ostringstream out;
  out << "# " << manifest.title << ": grades\n\n";
  out << students.size() << " submissions, " << percents.size()
      << " with a score. Scores are percent of the points gradable here.\n\n";
  if (!percents.empty()) {
    double sum = 0;
    for (double value : percents) sum += value;
    double median = percents.size() % 2 == 1
                        ? percents[percents.size() / 2]
                        : (percents[percents.size() / 2 - 1] + percents[percents.size() / 2]) / 2;
    char line[160];
    std::snprintf(line, sizeof line, "mean %.1f, median %.1f, lowest %.1f, highest %.1f\n\n",
                  sum / static_cast<double>(percents.size()), median, percents.front(),
                  percents.back());
    out << line;
    out << "| score | students | |\n|---|---:|---|\n";
    for (int low = 100; low >= 0; low -= 10) {
      int count = 0;
      for (double value : percents) {
        bool in_range = low == 100 ? value >= 100 : (value >= low && value < low + 10);
        count += in_range;
      }
      std::string range = low == 100 ? "100" : std::to_string(low) + "-" + std::to_string(low + 9);
      out << "| " << range << " | " << count << " | " << std::string(count, '#') << " |\n";
    }
  }

  out << "\n## What to teach again\n\nFor each scenario (each part, for a scenario graded "
         "part by part), how many students lost its points, most failed first, with the most "
         "common reason.\n\n";
  out << "| scenario | handout step | failed | not gradable | most common reason |\n";
  out << "|---|---|---:|---:|---|\n";
  struct Tally {
    const RubricEntry* entry;
    std::string part;  // empty: the whole scenario
    int failed = 0;
    int not_gradable = 0;
    std::map<std::string, int> reasons;
  };
  std::vector<Tally> tallies;
  for (const RubricEntry& entry : manifest.rubric) {
    if (entry.parts.empty()) tallies.push_back({&entry, "", 0, 0, {}});
    for (const RubricPart& part : entry.parts) tallies.push_back({&entry, part.name, 0, 0, {}});
  }
  // A part is lost when it earned less than its maximum; its own reason says why.
  auto lost_part = [](const json& scenario, const std::string& name) -> std::optional<std::string> {
    for (const json& part : scenario.value("parts", json::array())) {
      if (part.value("name", "") != name) continue;
      if (part.value("points", 0.0) < part.value("max_points", 0.0))
        return part.value("reason", "");
    }
    return std::nullopt;
  };
  for (const Student& student : students) {
    if (!student.grade.is_object() || student.status == "build failed") continue;
    for (const json& scenario : student.grade["scenarios"]) {
      for (Tally& tally : tallies) {
        if (tally.entry->scenario != scenario.value("scenario", "")) continue;
        std::string status = scenario.value("status", "");
        if (status != "failed" && status != "passed") {
          ++tally.not_gradable;
        } else if (!tally.part.empty()) {
          if (auto reason = lost_part(scenario, tally.part)) {
            ++tally.failed;
            ++tally.reasons[first_line(*reason)];
          }
        } else if (status == "failed") {
          ++tally.failed;
          ++tally.reasons[first_line(scenario.value("reason", ""))];
        }
      }
    }
  }
  std::stable_sort(tallies.begin(), tallies.end(),
                   [](const Tally& a, const Tally& b) { return a.failed > b.failed; });
  for (const Tally& tally : tallies) {
    const Checkpoint* checkpoint = manifest.checkpoint_of(tally.entry->scenario);
    std::string reason;
    int most = 0;
    for (const auto& [text, count] : tally.reasons) {
      if (count > most) most = count, reason = text;
    }
    if (reason.size() > 160) reason = reason.substr(0, 157) + "...";
    for (char& c : reason) c = c == '|' ? '/' : c;
    std::string name = tally.entry->scenario + (tally.part.empty() ? "" : ": " + tally.part);
    out << "| " << name << " | "
        << (checkpoint ? "step " + std::to_string(checkpoint->step) : std::string("")) << " | "
        << tally.failed << " | " << tally.not_gradable << " | " << reason << " |\n";
  }

  std::vector<std::string> broken, ungraded;
  for (const Student& student : students) {
    if (student.status == "build failed") broken.push_back(student.name);
    if (student.status.rfind("error", 0) == 0)
      ungraded.push_back(student.name + " (" + student.status + ")");
  }
  out << "\n## Builds\n\n";
  if (broken.empty()) out << "Every submission built.\n";
  for (const std::string& name : broken) {
    out << "- " << name << ": did not build (see " << safe_folder_name(name) << "/build/)\n";
  }
  if (!ungraded.empty()) {
    out << "\n## Not graded\n\nsocklab itself failed for these; their logs are in "
           "OUT/<student>/socklab.log. Grade them again.\n\n";
    for (const std::string& line : ungraded) out << "- " << line << "\n";
  }
  out << "\n## Isolation\n\n" << isolation << "\n";
  std::ofstream file_out(file);
  file_out << out.str();
  if (!file_out) throw std::runtime_error("cannot write " + file.string());
}

void start_grading(Student& student, const CheckOptions& options, const LabManifest& manifest,
                   const std::vector<std::string>& formats, int scenario_jobs,
                   const fs::path& submissions, const fs::path& out) {
  LaunchSpec spec;
  spec.program = fs::read_symlink("/proc/self/exe");
  spec.arguments = {
      "grade", manifest.name,        "--submission", (student.out / "submission").string(),
      "--out", student.out.string(), "-j",           std::to_string(scenario_jobs)};
  for (const std::string& format : formats) {
    spec.arguments.push_back("--format");
    spec.arguments.push_back(format);
  }
  if (options.no_netns) spec.arguments.push_back("--no-netns");
  if (!options.labs_dir.empty()) {
    spec.arguments.push_back("--labs");
    spec.arguments.push_back(fs::absolute(options.labs_dir).string());
  }
  spec.stdout_log = student.out / "socklab.log";
  spec.stderr_log = student.out / "socklab.log";
  // The grading socklab is the harness, not student code: it keeps its privileges (it drops
  // them for the student's build and program) and sets its own limits on those.
  spec.drop_root = false;
  spec.limits.cpu_seconds = 0;
  spec.limits.data_bytes = 0;
  spec.limits.open_files = 0;
  spec.limits.processes = 0;
  spec.limits.log_bytes = 64ull << 20;
  spec.extra_environment = {"SOCKLAB_HIDE_FOLDERS=" + submissions.string() + ":" + out.string(),
                            "SOCKLAB_OWN_FOLDER=" + student.out.string()};
  if (student.user != 0) {
    spec.extra_environment.push_back("SOCKLAB_STUDENT_UID=" + std::to_string(student.user));
  }
  student.started = std::chrono::steady_clock::now();
  student.grading.emplace(SupervisedProcess::launch(spec));
}

void finish_grading(Student& student, bool stop_now) {
  SupervisedProcess::StopResult stopped = student.grading->stop(std::chrono::seconds(10));
  student.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - student.started).count();
  if (stop_now) {
    student.status = "error: stopped after " + std::to_string(kStudentTimeLimit.count()) +
                     " minutes (see socklab.log)";
  } else if (!stopped.status.exited || stopped.status.code > 1) {
    if (!fs::exists(student.out / "report.json"))
      student.status = "error: socklab " + stopped.status.describe() + " (see socklab.log)";
  }
  student.grading.reset();
  collect(student);
}

}  // namespace

std::string hide_classmates() {
  const char* hide = std::getenv("SOCKLAB_HIDE_FOLDERS");
  const char* own = std::getenv("SOCKLAB_OWN_FOLDER");
  if (!hide || !own) return "";
  if (::unshare(CLONE_NEWNS) != 0) {
    return "no mount namespace (" + errno_text(errno) +
           "): classmates' folders stay visible; students are separated by user only";
  }
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    throw std::runtime_error("mount --make-rprivate /: " + errno_text(errno));
  // Opened in the new namespace (a bind takes its source from the caller's own mounts) and
  // before the tmpfs covers it: the way back to this student's own folder.
  Fd own_folder(::open(own, O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!own_folder)
    throw std::runtime_error(std::string("cannot open ") + own + ": " + errno_text(errno));
  std::string hidden;
  std::istringstream folders(hide);
  for (std::string folder; std::getline(folders, folder, ':');) {
    if (folder.empty()) continue;
    if (::mount("tmpfs", folder.c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                "size=64k,mode=0755") != 0) {
      throw std::runtime_error("tmpfs over " + folder + ": " + errno_text(errno));
    }
    hidden += (hidden.empty() ? "" : ", ") + folder;
  }
  fs::create_directories(own);
  std::string descriptor = "/proc/self/fd/" + std::to_string(own_folder.get());
  if (::mount(descriptor.c_str(), own, nullptr, MS_BIND | MS_REC, nullptr) != 0)
    throw std::runtime_error(std::string("bind ") + own + " back: " + errno_text(errno));
  return "hidden behind tmpfs: " + hidden + "; own folder bound back: " + own;
}

int grade_class(const CheckOptions& options, const LabManifest& manifest,
                const std::vector<std::string>& formats, const GradeRequest& request) {
  fs::path submissions = fs::absolute(request.submissions).lexically_normal();
  fs::path out = fs::absolute(options.out_dir).lexically_normal();
  if (!fs::is_directory(submissions)) {
    return usage_error("--submissions " + request.submissions +
                       ": no such folder (give a folder with one subfolder per student)");
  }
  auto inside = [](const fs::path& child, const fs::path& parent) {
    auto [end, ignored] = std::mismatch(parent.begin(), parent.end(), child.begin(), child.end());
    return end == parent.end();
  };
  if (inside(out, submissions) || inside(submissions, out)) {
    return usage_error("--out " + out.string() + " and --submissions " + submissions.string() +
                       " must not lie inside each other: each student's grading hides the "
                       "submissions from the others");
  }
  std::vector<Student> students;
  std::map<std::string, int> used_folders;
  std::vector<fs::path> entries;
  for (const fs::directory_entry& entry : fs::directory_iterator(submissions)) {
    std::string name = entry.path().filename().string();
    if (name.empty() || name[0] == '.' || !entry.is_directory() || entry.is_symlink()) continue;
    entries.push_back(entry.path());
  }
  std::sort(entries.begin(), entries.end());
  for (const fs::path& entry : entries) {
    Student student;
    student.name = entry.filename().string();
    student.folder = safe_folder_name(student.name);
    if (int seen = used_folders[student.folder]++; seen > 0)
      student.folder += "-" + std::to_string(seen + 1);
    students.push_back(std::move(student));
  }
  if (students.empty()) {
    return usage_error("--submissions " + submissions.string() +
                       " holds no student folders: expected one subfolder per student, each "
                       "with " +
                       manifest.files.front());
  }
  for (const std::string& folder : {std::string("grades.csv"), std::string("summary.md")}) {
    std::error_code ignored;
    fs::remove(out / folder, ignored);
  }

  bool namespaces = !options.no_netns && namespaces_can_be_made();
  // On one shared loopback a student's program could connect to another's server: without
  // namespaces, students are graded one after another, each with the scenarios in parallel.
  int students_at_once = namespaces ? options.jobs : 1;
  int scenario_jobs = namespaces ? 1 : options.jobs;
  bool real_root = detail::runs_as_real_root();
  CheckOptions parent = options;
  parent.no_netns = true;  // the batch itself stays outside; each student's socklab enters its own
  if (!prepare_process(parent)) return 2;
  std::vector<std::string> child_formats = formats;
  if (std::find(formats.begin(), formats.end(), "json") == formats.end())
    child_formats.push_back("json");  // the batch reads each grade back from report.json

  fs::create_directories(out);
  auto [owner_user, owner_group] = batch_owner();
  std::printf("grading %zu submissions of the %s lab, %d at a time%s\n", students.size(),
              manifest.name.c_str(), students_at_once,
              namespaces ? "" : " (no namespaces here: one student at a time, on loopback)");
  std::size_t next = 0, done = 0;
  std::vector<Student*> running;
  while ((next < students.size() || !running.empty()) && !interrupted()) {
    while (next < students.size() && static_cast<int>(running.size()) < students_at_once) {
      Student& student = students[next];
      student.out = out / student.folder;
      student.user = real_root ? kStudentUserBase + static_cast<long>(next) : 0;
      std::error_code ignored;
      fs::remove_all(student.out, ignored);
      std::vector<std::string> skipped =
          copy_submission(submissions / student.name, student.out / "submission");
      if (!skipped.empty()) {
        std::ofstream note(student.out / "skipped-files.txt");
        for (const std::string& line : skipped) note << line << "\n";
      }
      // Root's alone while it is graded: the student's build and program run in a folder of
      // their own (BuildFolder) and never need this one; no classmate's user can read it.
      ::chmod(student.out.c_str(), 0700);
      start_grading(student, options, manifest, child_formats, scenario_jobs, submissions, out);
      running.push_back(&student);
      ++next;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    for (auto it = running.begin(); it != running.end();) {
      Student& student = **it;
      bool overdue = std::chrono::steady_clock::now() - student.started > kStudentTimeLimit;
      if (student.grading->alive() && !overdue) {
        ++it;
        continue;
      }
      finish_grading(student, overdue);
      change_owner(student.out, owner_user, owner_group);
      ::chmod(student.out.c_str(), 0755);
      ++done;
      std::string score = student.grade.is_object()
                              ? number_text(student.grade.value("points", 0.0)) + "/" +
                                    number_text(student.grade.value("max_points", 0.0))
                              : std::string("-");
      std::printf("[%zu/%zu] %-24s %8s  %s (%.0f s)\n", done, students.size(), student.name.c_str(),
                  score.c_str(), student.status.c_str(), student.seconds);
      std::fflush(stdout);
      it = running.erase(it);
    }
  }
  if (interrupted()) {
    for (Student* student : running) {
      student->grading->stop(std::chrono::seconds(10));
      change_owner(student->out, owner_user, owner_group);
    }
    return 130;
  }

  std::string isolation =
      std::string(namespaces ? "Each student's scenarios ran in network namespaces of their own."
                             : "No network namespaces could be made here: students were graded "
                               "one at a time on loopback.") +
      (real_root ? " Each student's build and program ran as a user of its own (uid " +
                       std::to_string(kStudentUserBase) +
                       " + n), in a 0700 folder of that user's; each student's results folder "
                       "was root's alone (0700) while graded."
                 : " Every student's code ran as your own user (inside a user namespace when "
                   "namespaces were made).") +
      " Each student's socklab hid the submissions folder and the other students' folders "
      "behind an empty tmpfs where mount namespaces could be made (see each socklab.log).";
  write_grades_csv(students, manifest, out / "grades.csv");
  write_summary(students, manifest, isolation, out / "summary.md");
  change_owner(out, owner_user, owner_group);
  std::printf("written: %s, %s\n", (out / "grades.csv").c_str(), (out / "summary.md").c_str());
  return 0;
}

}  // namespace socklab::harness
