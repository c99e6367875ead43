// socklab: runs a lab's scenarios against a server (the reference, or a student's) inside
// network namespaces, captures the wire, and says in TCP terms what went wrong.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "harness/commands/bench_command.hpp"
#include "harness/commands/load_command.hpp"
#include "harness/commands/package_command.hpp"
#include "harness/commands/run_labs.hpp"
#include "harness/commands/trace_commands.hpp"
#include "harness/engine/lab_manifest.hpp"
#include "harness/engine/labs.hpp"

using namespace socklab::harness;

namespace {

// Labs that share a scenario group are listed together, then the group's scenarios once, then
// each lab's checkpoints: which scenarios check which step of its handout.
int list_labs(const std::string& labs_dir) {
  try {
    if (!labs_dir.empty()) use_lab_manifests_from(labs_dir);
    lab_manifests();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "socklab: bad lab manifest: %s\n", error.what());
    return 2;
  }
  std::vector<std::string> groups_shown;
  for (const Lab& first : all_labs()) {
    if (std::find(groups_shown.begin(), groups_shown.end(), first.scenario_group) !=
        groups_shown.end()) {
      continue;
    }
    groups_shown.push_back(first.scenario_group);
    std::printf("labs:\n");
    for (const Lab& lab : all_labs()) {
      if (lab.scenario_group != first.scenario_group) continue;
      std::printf("  %-9s %s (reference: %s)\n", lab.name.c_str(), lab.title.c_str(),
                  reference_program_name(lab).c_str());
    }
    std::printf("their scenarios:\n");
    for (const ScenarioSpec* spec : scenarios_in_group(first.scenario_group)) {
      std::printf("  %-30s %s\n", spec->name.c_str(), spec->purpose.c_str());
      if (spec->parts.empty()) continue;
      std::string parts;
      for (const std::string& part : spec->parts) parts += (parts.empty() ? "" : ", ") + part;
      // The names a rubric entry's `parts` may weigh (lab.toml).
      std::printf("  %-30s parts, graded one by one: %s\n", "", parts.c_str());
    }
  }
  for (const LabManifest& manifest : lab_manifests()) {
    std::printf("\ncheckpoints of %s (%s, about %g hours):\n", manifest.name.c_str(),
                manifest.handout().c_str(), manifest.hours);
    for (const Checkpoint& checkpoint : manifest.checkpoints) {
      std::string names;
      for (const std::string& name : checkpoint.scenarios)
        names += (names.empty() ? "" : ", ") + name;
      std::printf("  %d  step %d: %s\n     %s\n", checkpoint.number, checkpoint.step,
                  checkpoint.title.c_str(), names.c_str());
    }
  }
  return 0;
}

void add_check_command(CLI::App& app, CheckOptions& options) {
  CLI::App* command = app.add_subcommand(
      "check",
      "run a lab's scenarios against its reference or a given server (args after -- go to it)");
  command->add_option("lab", options.lab, "the lab to check (see `socklab list`)");
  command->add_flag("--all", options.all, "every lab, each against its reference");
  command->add_option("--server", options.server,
                      "the program under test (default: the lab's reference next to socklab)");
  command->add_option("-j,--jobs", options.jobs, "scenarios run in parallel")
      ->check(CLI::Range(1, 64));
  command->add_option("--out", options.out_dir, "folder for pcaps, logs and report.json")
      ->capture_default_str();
  command->add_option("--json", options.json_file, "also write the report as JSON here");
  command->add_option("--html", options.html_file,
                      "also write the report as one self-contained web page here (ladders "
                      "inline; out/report.html is always written)");
  command->add_flag("--no-netns", options.no_netns,
                    "loopback only, no namespaces or capture (for locked-down machines)");
  command->add_option("--scenario", options.scenarios, "run only this scenario (repeatable)");
  command
      ->add_option("--checkpoint", options.checkpoint,
                   "run only the scenarios of checkpoints 1 to N of the lab (see `socklab list`)")
      ->check(CLI::PositiveNumber);
  command->add_flag("--until-failure", options.until_failure,
                    "checkpoint by checkpoint: stop after the first checkpoint that fails");
  command->add_flag("--compare", options.compare,
                    "show each failed scenario's trace beside the reference's golden trace");
  command->add_option(
      "--labs", options.labs_dir,
      "read the lab manifests (NN-LAB/lab.toml) from this folder, not socklab's copy");
  command->add_option("--seed", options.seed, "seed of the random payloads");
  command
      ->add_option("--traces", options.traces_dir,
                   "golden traces to compare a failed scenario's wire with")
      ->capture_default_str();
}

CLI::App* add_grade_command(CLI::App& app, CheckOptions& options, GradeRequest& request) {
  CLI::App* command = app.add_subcommand(
      "grade",
      "score a student's files or program by the lab's rubric, in the formats graders read");
  command->add_option("lab", options.lab, "the lab to grade (see `socklab list`)")->required();
  CLI::Option* server =
      command->add_option("--server", options.server, "a ready program to grade (any language)");
  CLI::Option* submission = command->add_option(
      "--submission", request.submission,
      "a folder with one student's files (those the lab names): built, then graded");
  CLI::Option* submissions = command->add_option(
      "--submissions", request.submissions,
      "a folder with one subfolder per student: the whole class, into OUT/<student>/");
  server->excludes(submission)->excludes(submissions);
  submission->excludes(submissions);
  command->add_option("--format", request.formats,
                      "json, gradescope, junit, tap, autolab, prairielearn (repeatable)");
  command
      ->add_option("-j,--jobs", options.jobs,
                   "scenarios run in parallel; with --submissions, students graded at once")
      ->check(CLI::Range(1, 64));
  command->add_option("--out", options.out_dir, "folder for the grade files, pcaps and logs")
      ->capture_default_str();
  command->add_flag("--no-netns", options.no_netns,
                    "loopback only: scenarios that need their own hosts are not gradable here");
  command
      ->add_option("--scenario", options.scenarios,
                   "grade only this scenario (repeatable); the others are left out of the "
                   "maximum, as not graded")
      ->excludes(submissions);
  command->add_option(
      "--labs", options.labs_dir,
      "read the lab manifests (NN-LAB/lab.toml) from this folder, not socklab's copy");
  return command;
}

struct RecordRequest {
  int runs = 1;
  bool check_only = false;
};

CLI::App* add_record_command(CLI::App& app, CheckOptions& options, RecordRequest& request) {
  CLI::App* command = app.add_subcommand(
      "record", "re-record the golden traces of a lab (or --all) from its reference into traces/");
  command->add_option("lab", options.lab, "the lab to record (see `socklab list`)");
  command->add_flag("--all", options.all, "every lab");
  command->add_option("-j,--jobs", options.jobs, "scenarios run in parallel")
      ->check(CLI::Range(1, 64));
  command->add_option("--scenario", options.scenarios, "record only this scenario (repeatable)");
  command->add_option("--traces", options.traces_dir, "where the goldens go")
      ->capture_default_str();
  command->add_option("--out", options.out_dir, "folder for this run's pcaps and logs")
      ->capture_default_str();
  command
      ->add_option("--runs", request.runs,
                   "record this many times; every run after the first must change nothing")
      ->check(CLI::Range(1, 100));
  command->add_flag("--check", request.check_only,
                    "write nothing: exit 1 if a reference no longer matches its golden");
  return command;
}

struct TraceDiffRequest {
  std::string expected;
  std::string actual;
};

struct TraceCommands {
  CLI::App* show;
  CLI::App* diff;
};

TraceCommands add_trace_commands(CLI::App& app, TraceShowOptions& show_options,
                                 TraceDiffRequest& diff) {
  CLI::App* trace = app.add_subcommand("trace", "read a capture as TCP conversations");
  trace->require_subcommand(1);
  CLI::App* show =
      trace->add_subcommand("show", "print each TCP connection of a pcap as a ladder diagram");
  show->add_option("file", show_options.file, "a .pcap or .pcap.gz file")->required();
  show->add_option("--svg", show_options.svg_file, "also write the ladders as an SVG image");
  show->add_option("--connection", show_options.connection,
                   "show only this connection (1, 2, ...)");
  show->add_option("--max-rows", show_options.max_rows,
                   "at most this many rows per connection: the start and the end, the middle "
                   "folded into one row (for slides and pages)");
  show->add_flag("--every-segment", show_options.every_segment,
                 "do not fold long stretches of plain data and ACKs");
  show->add_flag("--normalized", show_options.normalized,
                 "print the normalized trace (what the connections mean), as in traces/*.trace");
  show->add_flag("--analysis-fields", show_options.analysis_fields,
                 "print frame numbers and their tcp.analysis fields, as tshark names them");
  CLI::App* compare = trace->add_subcommand(
      "diff", "compare two traces by TCP meaning and explain the first divergence");
  compare->add_option("expected", diff.expected, "the reference: .pcap, .pcap.gz or .trace")
      ->required();
  compare->add_option("actual", diff.actual, "the one to judge: .pcap, .pcap.gz or .trace")
      ->required();
  return {show, compare};
}

}  // namespace

int main(int argc, char** argv) {
#if defined(__SANITIZE_ADDRESS__)
  // This socklab and the servers beside it were built with AddressSanitizer. LeakSanitizer's
  // exit-time check in a server sometimes outlasts the 3 s SIGTERM grace when scenarios run in
  // parallel, which would read as "ignores SIGTERM". The servers inherit this environment; the
  // integration tests still check the references for leaks.
  ::setenv("ASAN_OPTIONS", "detect_leaks=0", /*overwrite=*/0);
#endif
  // Everything after `--` goes to the server under test, untouched.
  std::vector<std::string> server_arguments;
  int own_argc = argc;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--") {
      own_argc = i;
      server_arguments.assign(argv + i + 1, argv + argc);
      break;
    }
  }

  CLI::App app("socklab: checks TCP servers on the wire and in the process");
  app.require_subcommand(1);
  std::string list_labs_dir;
  app.add_subcommand("list", "show the labs, their scenarios and their checkpoints")
      ->add_option("--labs", list_labs_dir,
                   "read the lab manifests (NN-LAB/lab.toml) from this folder, not socklab's copy");
  CheckOptions options;
  add_check_command(app, options);
  RecordRequest record_request;
  CLI::App* record_command = add_record_command(app, options, record_request);
  GradeRequest grade_request;
  CLI::App* grade_command = add_grade_command(app, options, grade_request);
  TraceShowOptions show_options;
  TraceDiffRequest diff_request;
  TraceCommands trace = add_trace_commands(app, show_options, diff_request);
  PackageOptions package_options;
  CLI::App* package_command = add_package_command(app, package_options);
  LoadRequest load_request;
  CLI::App* load_command = add_load_command(app, load_request);
  BenchRequest bench_request;
  CLI::App* bench_command = add_bench_command(app, bench_request);
  try {
    app.parse(own_argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  options.server_arguments = server_arguments;
  try {
    if (app.got_subcommand("list")) return list_labs(list_labs_dir);
    if (trace.show->parsed()) return trace_show(show_options);
    if (grade_command->parsed()) {
      if (grade_request.formats.empty()) grade_request.formats = {"json"};
      return grade(options, grade_request);
    }
    if (record_command->parsed())
      return record(options, record_request.runs, record_request.check_only);
    if (trace.diff->parsed()) return trace_diff(diff_request.expected, diff_request.actual);
    if (package_command->parsed()) return run_package_command(package_options);
    if (load_command->parsed()) return run_load_command(load_request);
    if (bench_command->parsed()) return run_bench_command(bench_request, server_arguments);
    return check(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "socklab: %s\n", error.what());
    return 2;
  }
}
