// socklab grade --submissions: a class of twelve submissions, from the reference to the hostile
// ones, graded two at a time. Every student gets the grade their program earns and a status that
// says what happened; grades.csv and summary.md say it for the class; a student's program
// cannot read a classmate's files; and nothing is left behind: no process, no mount, no file
// outside OUT.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/command_run.hpp"

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using socklab::testing::CommandRun;
using socklab::testing::read_text;

CommandRun run(const std::string& command) { return socklab::testing::run_command(command); }

void copy_in(const fs::path& from, const fs::path& folder, const std::string& as = "server.cpp") {
  fs::create_directories(folder);
  fs::copy_file(from, folder / as, fs::copy_options::overwrite_existing);
}

// One grades.csv row: student, total, max, the categories..., status.
std::map<std::string, std::vector<std::string>> read_grades(const fs::path& file) {
  std::map<std::string, std::vector<std::string>> rows;
  std::ifstream in(file);
  std::string line;
  std::getline(in, line);  // the header
  while (std::getline(in, line)) {
    std::vector<std::string> fields;
    std::string field;
    bool quoted = false;
    for (char c : line) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.push_back(field);
        field.clear();
      } else {
        field += c;
      }
    }
    fields.push_back(field);
    rows[fields.front()] = fields;
  }
  return rows;
}

// Processes whose command line names `marker`: what a batch must not leave running.
int processes_naming(const std::string& marker) {
  int count = 0;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc")) {
    std::string pid = entry.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (std::stoi(pid) == ::getpid()) continue;
    std::string command = read_text(entry.path() / "cmdline");
    if (command.find(marker) != std::string::npos) ++count;
  }
  return count;
}

class GradeClass : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    root_ = fs::temp_directory_path() / ("socklab-class-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::path students = root_ / "submissions";
    fs::path hostile = fs::path(SOCKLAB_SOURCE_DIR) / "tests/class/submissions";
    copy_in(fs::path(SOCKLAB_SOURCE_DIR) / "reference/close.cpp", students / "alice");
    copy_in(fs::path(SOCKLAB_MUTANT_DIR) / "linger-not-set/reference/close.cpp", students / "bob");
    // The hostile programs that bound the sandbox (processes, memory) or fail before serving;
    // bench/grade-class runs the slower ones too (a busy loop, SIGTERM ignored, endless logs).
    for (const char* name : {"does-not-compile", "never-listens", "fork-bomb", "wrong-port",
                             "exits-at-once", "closes-stdout", "memory-bomb"}) {
      copy_in(hostile / name / "server.cpp", students / name);
    }
    fs::create_directories(students / "missing-file");
    for (const char* name : {"main.cpp", "NOTES.txt"})
      copy_in(hostile / "missing-file" / name, students / "missing-file", name);
    // The reference again, in a subfolder and with a file the lab does not build: graded all
    // the same, with both named in its feedback.
    copy_in(fs::path(SOCKLAB_SOURCE_DIR) / "reference/close.cpp", students / "frank" / "lab");
    copy_in(hostile / "missing-file/NOTES.txt", students / "frank", "NOTES.txt");
    // A student whose program looks for a classmate's files before it serves.
    write_snoop(students / "mallory" / "server.cpp", students / "alice" / "server.cpp",
                root_ / "out" / "alice" / "submission" / "server.cpp");

    std::string command = std::string(SOCKLAB_BIN_DIR) + "/socklab grade close --submissions " +
                          students.string() + " -j 2 --out " + (root_ / "out").string() +
                          " --format gradescope --format junit";
    batch_ = new CommandRun(run(command));
  }

  // A failed test keeps the batch's folder (every student's logs and captures) for a look.
  void TearDown() override {
    if (HasFailure()) keep_ = true;
  }

  static void TearDownTestSuite() {
    delete batch_;
    if (keep_) {
      std::printf("kept for inspection: %s\n", root_.c_str());
    } else {
      fs::remove_all(root_);
    }
  }

  // The reference close server, preceded by an attempt to read two of alice's files: it
  // reports on stderr whether it could, then serves normally.
  static void write_snoop(const fs::path& file, const fs::path& original, const fs::path& copy) {
    std::string source = read_text(fs::path(SOCKLAB_SOURCE_DIR) / "reference/close.cpp");
    std::string snoop =
        "#include <fstream>\n"
        "[[maybe_unused]] static const bool snooped = [] {\n"
        "  for (const char* path : {\"" +
        original.string() + "\", \"" + copy.string() +
        "\"}) {\n"
        "    std::ifstream in(path);\n"
        "    std::fprintf(stderr, \"snoop: %s %s\\n\", path, in ? \"READ\" : \"refused\");\n"
        "  }\n"
        "  return true;\n"
        "}();\n";
    std::size_t main_at = source.find("int main(");
    ASSERT_NE(main_at, std::string::npos);
    source.insert(main_at, snoop);
    fs::create_directories(file.parent_path());
    std::ofstream(file) << source;
  }

  static fs::path out() { return root_ / "out"; }

  static inline fs::path root_;
  static inline CommandRun* batch_ = nullptr;
  static inline bool keep_ = false;
};

TEST_F(GradeClass, GradesEveryStudentWithTheScoreTheirProgramEarns) {
  ASSERT_EQ(batch_->exit_status, 0) << batch_->output;
  auto grades = read_grades(out() / "grades.csv");
  ASSERT_EQ(grades.size(), 12u) << read_text(out() / "grades.csv");
  auto total = [&](const std::string& student) { return grades[student].at(1); };
  auto status = [&](const std::string& student) { return grades[student].back(); };
  // Where a score is wrong, the reasons the student was given for every point lost.
  auto lost = [&](const std::string& student) {
    json results = json::parse(read_text(out() / student / "results.json"), nullptr, false);
    std::string text = student + " lost points in:";
    for (const json& test : results.value("tests", json::array())) {
      if (test.value("score", 0.0) < test.value("max_score", 0.0))
        text += "\n- " + test.value("name", "") + ": " + test.value("output", "").substr(0, 1500);
    }
    return text;
  };
  EXPECT_EQ(total("alice"), "100") << lost("alice");
  EXPECT_EQ(grades["alice"].at(2), "100");
  EXPECT_EQ(status("alice"), "graded");
  EXPECT_EQ(total("frank"), "100") << lost("frank");
  EXPECT_EQ(total("mallory"), "100")
      << lost("mallory");  // its snooping is refused, its serving is right
  EXPECT_EQ(total("bob"), "95") << lost(
      "bob");  // linger's close-blocks part (5 points), nothing else
  for (const char* broken : {"does-not-compile", "missing-file"}) {
    EXPECT_EQ(total(broken), "0") << broken;
    EXPECT_EQ(grades[broken].at(2), "100") << broken;
    EXPECT_EQ(status(broken), "build failed") << broken;
  }
  for (const char* hostile : {"never-listens", "fork-bomb", "wrong-port", "exits-at-once",
                              "closes-stdout", "memory-bomb"}) {
    EXPECT_EQ(status(hostile), "graded") << hostile << ": " << batch_->output;
    EXPECT_EQ(grades[hostile].at(2), "100") << hostile;
    EXPECT_LT(std::stod(total(hostile)), 50) << hostile;
  }
}

TEST_F(GradeClass, EachStudentsFeedbackSaysWhatWentWrong) {
  auto reason_of = [](const std::string& student, const std::string& scenario) {
    json results = json::parse(read_text(out() / student / "results.json"), nullptr, false);
    for (const json& test : results["tests"]) {
      if (test.value("name", "").rfind(scenario, 0) == 0) return test.value("output", "");
    }
    return std::string("no test named ") + scenario;
  };
  json broken = json::parse(read_text(out() / "does-not-compile" / "results.json"));
  EXPECT_NE(broken.dump().find("was not declared in this scope"), std::string::npos)
      << broken.dump(2);
  // The page every feedback folder has: for a build that failed, why, in the compiler's words.
  std::string broken_page = read_text(out() / "does-not-compile" / "report.html");
  EXPECT_NE(broken_page.find("Build failed"), std::string::npos) << broken_page;
  EXPECT_NE(broken_page.find("was not declared in this scope"), std::string::npos) << broken_page;
  EXPECT_NE(read_text(out() / "missing-file" / "report.html").find("server.cpp is missing"),
            std::string::npos);
  EXPECT_NE(read_text(out() / "frank" / "report.html").find("<table"), std::string::npos);
  json missing = json::parse(read_text(out() / "missing-file" / "report.json"));
  EXPECT_NE(missing["grade"]["build"]["problem"].get<std::string>().find("server.cpp is missing"),
            std::string::npos)
      << missing.dump(2);
  EXPECT_NE(missing["grade"]["build"].dump().find("extra file ignored: NOTES.txt"),
            std::string::npos);
  json frank = json::parse(read_text(out() / "frank" / "report.json"));
  EXPECT_NE(frank["grade"]["build"].dump().find("lab/server.cpp"), std::string::npos)
      << frank["grade"]["build"].dump(2);
  EXPECT_NE(reason_of("never-listens", "graceful-quit").find("listening on"), std::string::npos);
  EXPECT_NE(reason_of("wrong-port", "graceful-quit").find("refused"), std::string::npos);
  EXPECT_NE(reason_of("fork-bomb", "graceful-quit").find("A fork bomb"), std::string::npos);
  EXPECT_NE(reason_of("exits-at-once", "graceful-quit").find("exited"), std::string::npos);
}

TEST_F(GradeClass, AStudentsProgramCannotReadAClassmatesFiles) {
  ASSERT_EQ(batch_->exit_status, 0) << batch_->output;
  std::string stderr_logs;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(out() / "mallory")) {
    std::string name = entry.path().filename().string();
    if (name.size() > 11 && name.ends_with(".stderr.log")) stderr_logs += read_text(entry.path());
  }
  ASSERT_NE(stderr_logs.find("snoop:"), std::string::npos)
      << "the snooping server left no log in " << out() / "mallory";
  EXPECT_EQ(stderr_logs.find("READ"), std::string::npos) << stderr_logs.substr(0, 2000);
}

TEST_F(GradeClass, SummaryTellsTheInstructorWhatToTeachAgain) {
  std::string summary = read_text(out() / "summary.md");
  EXPECT_NE(summary.find("12 submissions"), std::string::npos) << summary;
  EXPECT_NE(summary.find("## What to teach again"), std::string::npos);
  EXPECT_NE(summary.find("does-not-compile: did not build"), std::string::npos) << summary;
  // linger is graded part by part, and tallied so: bob's mutant loses close-blocks only; the six
  // hostile servers that built lose every part; the references lose none.
  EXPECT_NE(summary.find("| linger: close-blocks | step 5 | 7 | 0 |"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("| linger: data-and-fin | step 5 | 6 | 0 |"), std::string::npos)
      << summary;
  EXPECT_EQ(summary.find("| linger |"), std::string::npos) << summary;
}

TEST_F(GradeClass, NothingIsLeftBehind) {
  ASSERT_EQ(batch_->exit_status, 0) << batch_->output;
  EXPECT_EQ(processes_naming(root_.string()), 0);
  std::string mounts = read_text("/proc/self/mountinfo");
  EXPECT_EQ(mounts.find(root_.string()), std::string::npos);
  for (const fs::directory_entry& entry : fs::directory_iterator(fs::temp_directory_path())) {
    std::string name = entry.path().filename().string();
    EXPECT_NE(name.rfind("socklab-build-", 0), 0u) << name;
  }
}

}  // namespace

// Grades never depend on timing luck: the reference and two mutants, ten copies each, graded
// four at a time (more at once than the machine has cores, so the scenarios' timing is
// stressed), get the same score in every copy: 100, 95 for linger-not-set (one part of one
// scenario) and 88 for abortive-without-linger (one scenario).
TEST(GradeDeterminism, TenCopiesOfEachProgramGetTheSameScore) {
  fs::path root = fs::temp_directory_path() / ("socklab-determinism-" + std::to_string(::getpid()));
  fs::remove_all(root);
  const std::map<std::string, fs::path> programs = {
      {"reference", fs::path(SOCKLAB_SOURCE_DIR) / "reference/close.cpp"},
      {"linger-not-set", fs::path(SOCKLAB_MUTANT_DIR) / "linger-not-set/reference/close.cpp"},
      {"abortive-without-linger",
       fs::path(SOCKLAB_MUTANT_DIR) / "abortive-without-linger/reference/close.cpp"}};
  for (const auto& [name, source] : programs) {
    for (int copy = 1; copy <= 10; ++copy)
      copy_in(source, root / "submissions" / (name + "-" + std::to_string(copy)));
  }
  CommandRun batch =
      run(std::string(SOCKLAB_BIN_DIR) + "/socklab grade close --submissions " +
          (root / "submissions").string() + " -j 4 --out " + (root / "out").string());
  ASSERT_EQ(batch.exit_status, 0) << batch.output;
  auto grades = read_grades(root / "out" / "grades.csv");
  ASSERT_EQ(grades.size(), 30u) << batch.output;
  const std::map<std::string, std::string> expected = {
      {"reference", "100"}, {"linger-not-set", "95"}, {"abortive-without-linger", "88"}};
  for (const auto& [student, row] : grades) {
    std::string program = student.substr(0, student.rfind('-'));
    EXPECT_EQ(row.at(1), expected.at(program)) << student << ": " << batch.output;
  }
  fs::remove_all(root);
}
