// socklab: runs a lab's scenarios against a server (the reference, or a student's) inside
// network namespaces, captures the wire, and says in TCP terms what went wrong.
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <thread>

#include "harness/commands/record_command.hpp"
#include "harness/commands/trace_commands.hpp"
#include "harness/engine/interruption.hpp"
#include "harness/engine/labs.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/report/console_report.hpp"
#include "harness/report/json_report.hpp"
#include "harness/sandbox/net_namespace.hpp"
#include "harness/sandbox/tcp_sysctls.hpp"
#include "harness/sandbox/user_namespace.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"
#include "net/stop_signal.hpp"

namespace fs = std::filesystem;
using namespace socklab::harness;

namespace {

struct CheckOptions {
  std::string lab;
  bool all = false;
  std::string server;
  int jobs = 1;
  std::string out_dir = "out";
  std::string json_file;
  bool no_netns = false;
  std::vector<std::string> scenarios;
  std::uint64_t seed = 0x50c41ab;
  std::vector<std::string> server_arguments;
  std::string traces_dir = SOCKLAB_SOURCE_DIR "/traces";
};

int usage_error(const std::string& message) {
  std::fprintf(stderr, "socklab: %s\n", message.c_str());
  return 2;
}

fs::path own_directory() { return fs::read_symlink("/proc/self/exe").parent_path(); }

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  std::tm parts{};
  ::gmtime_r(&now, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}

std::string kernel_release() {
  utsname name{};
  return ::uname(&name) == 0 ? name.release : "unknown";
}

// Labs that share a scenario group are listed together, then the group's scenarios once.
int list_labs() {
  std::vector<std::string> groups_shown;
  for (const Lab& first : all_labs()) {
    if (std::find(groups_shown.begin(), groups_shown.end(), first.scenario_group) != groups_shown.end()) {
      continue;
    }
    groups_shown.push_back(first.scenario_group);
    std::printf("labs:\n");
    for (const Lab& lab : all_labs()) {
      if (lab.scenario_group != first.scenario_group) continue;
      std::printf("  %-9s %s (reference: %s)\n", lab.name.c_str(), lab.title.c_str(),
                  reference_program_name(lab).c_str());
    }
    std::printf("their scenarios, in the order they run:\n");
    for (const ScenarioSpec* spec : scenarios_of(first)) {
      std::printf("  %-18s %s\n", spec->name.c_str(), spec->purpose.c_str());
    }
  }
  return 0;
}

// Why the program cannot run, in words; empty when it can.
std::string program_problem(const fs::path& program) {
  if (!fs::exists(program)) return program.string() + " does not exist";
  if (fs::is_directory(program)) return program.string() + " is a directory, not a program";
  if (::access(program.c_str(), X_OK) != 0) {
    return program.string() + " is not executable (" + socklab::errno_text(errno) + ")";
  }
  return {};
}

// Ctrl-C and SIGTERM become a flag every wait checks, so clean-up runs before exit.
void start_interruption_watcher() {
  socklab::block_stop_signals();
  std::signal(SIGPIPE, SIG_IGN);  // a vanished peer must never kill the harness
  std::thread([] {
    socklab::wait_for_stop_signal();
    std::fprintf(stderr, "\nsocklab: interrupted, stopping servers and removing namespaces...\n");
    interruption_flag() = true;
  }).detach();
}

std::map<std::string, std::string> sysctls_in_force(bool netns) {
  if (!netns) return read_tcp_sysctls();
  NetNamespace probe = NetNamespace::create();
  EnterNetNamespace inside(probe);
  pin_tcp_sysctls();
  return read_tcp_sysctls();
}

// The jobs of a check: every chosen scenario of every chosen lab, with its program. Returns
// an exit status (2) with a message when the request cannot run, else 0 and fills `jobs`.
int plan_jobs(const CheckOptions& options, std::vector<ScenarioJob>& jobs) {
  std::vector<const Lab*> labs;
  if (options.all) {
    if (!options.lab.empty()) return usage_error("give a LAB or --all, not both");
    if (!options.server.empty()) return usage_error("--server goes with one LAB, not with --all");
    for (const Lab& lab : all_labs()) labs.push_back(&lab);
  } else {
    if (options.lab.empty()) return usage_error("which lab? give a LAB (see `socklab list`) or --all");
    const Lab* lab = find_lab(options.lab);
    if (!lab) return usage_error("no lab named '" + options.lab + "' (see `socklab list`)");
    labs.push_back(lab);
  }
  for (const Lab* lab : labs) {
    fs::path program = options.server.empty() ? own_directory() / reference_program_name(*lab)
                                              : fs::absolute(options.server);
    if (std::string problem = program_problem(program); !problem.empty()) {
      return usage_error(problem + (options.server.empty() ? ": build the references first "
                                                             "(cmake --build --preset default)"
                                                           : ""));
    }
    for (const ScenarioSpec* spec : scenarios_of(*lab)) {
      bool wanted = options.scenarios.empty() ||
                    std::find(options.scenarios.begin(), options.scenarios.end(), spec->name) !=
                        options.scenarios.end();
      if (wanted) jobs.push_back({lab, spec, program});
    }
  }
  if (jobs.empty()) return usage_error("no scenario of that name in the chosen lab (see `socklab list`)");
  return 0;
}

// Namespaces, signals and limits, once per process: returns false (after saying why) when
// namespaces were asked for and cannot be made.
bool prepare_process(const CheckOptions& options, bool recording = false) {
  if (!options.no_netns) {
    SandboxSupport sandbox = enter_sandbox();  // still single-threaded, as unshare(CLONE_NEWUSER) requires
    if (!sandbox.available) {
      std::fprintf(stderr, "socklab: cannot create network namespaces: %s\n%s\n", sandbox.reason.c_str(),
                   sandbox.remedy.c_str());
      std::fprintf(stderr, "%s\n",
                   recording ? "Golden traces are recorded from packet captures, which need the "
                               "namespaces: record on a machine that allows them."
                             : "Or run with --no-netns: loopback only, without packet capture; "
                               "scenarios that need their own hosts are then reported as skipped.");
      return false;
    }
  }
  start_interruption_watcher();
  become_subreaper();
  socklab::raise_open_file_limit();  // hundreds of client sockets per scenario, times -j
  return true;
}

RunReport run_planned(const std::vector<ScenarioJob>& jobs, const CheckOptions& options) {
  RunSettings settings;
  settings.use_netns = !options.no_netns;
  settings.out_dir = options.out_dir;
  settings.extra_server_arguments = options.server_arguments;
  settings.seed = options.seed;
  settings.golden_dir = options.traces_dir;

  RunReport report;
  report.mode = settings.use_netns ? "netns" : "loopback";
  report.kernel = kernel_release();
  report.started_at = utc_now();
  report.sysctls_pinned = settings.use_netns;
  report.tcp_sysctls = sysctls_in_force(settings.use_netns);

  ConsoleReport console(stdout);
  ProgressListener listener;
  listener.finished = [&](const ScenarioResult& result, int done, int total) {
    console.scenario_finished(result, done, total);
  };
  auto start = std::chrono::steady_clock::now();
  report.results = run_jobs(jobs, settings, options.jobs, listener, report.interrupted);
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  console.summary(report);
  fs::create_directories(settings.out_dir);
  write_json_report(report, settings.out_dir / "report.json");
  if (!options.json_file.empty()) write_json_report(report, options.json_file);
  return report;
}

int check(const CheckOptions& options) {
  std::vector<ScenarioJob> jobs;
  if (int status = plan_jobs(options, jobs); status != 0) return status;
  if (!prepare_process(options)) return 2;
  RunReport report = run_planned(jobs, options);
  return report.interrupted ? 130 : report.exit_status();
}

// Golden traces come from the references, and only with captures: namespaces are required.
// With --runs N the recording is repeated and every run after the first must leave the
// goldens unchanged: the proof that they are stable.
int record(CheckOptions options, int runs, bool check_only) {
  std::vector<ScenarioJob> jobs;
  if (int status = plan_jobs(options, jobs); status != 0) return status;
  if (!prepare_process(options, /*recording=*/true)) return 2;
  int unstable_runs = 0;
  const std::string out_dir = options.out_dir;
  for (int run = 1; run <= runs; ++run) {
    // Each run keeps its own captures, so a run that changed a golden can be looked at.
    if (runs > 1) options.out_dir = (fs::path(out_dir) / ("run-" + std::to_string(run))).string();
    RunReport report = run_planned(jobs, options);
    if (report.interrupted) return 130;
    std::printf("\n%s %s (run %d of %d):\n", check_only ? "comparing with" : "recording into",
                options.traces_dir.c_str(), run, runs);
    RecordTally tally = record_goldens(report, options.traces_dir, check_only);
    std::printf("%d unchanged, %d %s, %d not recorded\n", tally.unchanged, tally.written,
                check_only ? "differ" : "written", tally.refused);
    if (tally.refused > 0) return 1;
    if ((run > 1 || check_only) && tally.written > 0) ++unstable_runs;
  }
  if (runs > 1 || check_only) {
    int compared = check_only ? runs : runs - 1;
    std::printf("%d of %d runs %s a golden%s\n", unstable_runs, compared,
                check_only ? "differed from" : "changed",
                unstable_runs == 0 ? ": the references match their goldens" : "");
  }
  return unstable_runs == 0 ? 0 : 1;
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
  app.add_subcommand("list", "show the labs and their scenarios");
  CLI::App* check_command = app.add_subcommand(
      "check", "run a lab's scenarios against its reference or a given server (args after -- go to it)");
  CheckOptions options;
  check_command->add_option("lab", options.lab, "the lab to check (see `socklab list`)");
  check_command->add_flag("--all", options.all, "every lab, each against its reference");
  check_command->add_option("--server", options.server,
                            "the program under test (default: the lab's reference next to socklab)");
  check_command->add_option("-j,--jobs", options.jobs, "scenarios run in parallel")
      ->check(CLI::Range(1, 64));
  check_command->add_option("--out", options.out_dir, "folder for pcaps, logs and report.json")
      ->capture_default_str();
  check_command->add_option("--json", options.json_file, "also write the report as JSON here");
  check_command->add_flag("--no-netns", options.no_netns,
                          "loopback only, no namespaces or capture (for locked-down machines)");
  check_command->add_option("--scenario", options.scenarios, "run only this scenario (repeatable)");
  check_command->add_option("--seed", options.seed, "seed of the random payloads");
  check_command->add_option("--traces", options.traces_dir,
                            "golden traces to compare a failed scenario's wire with")
      ->capture_default_str();
  CLI::App* record_command = app.add_subcommand(
      "record", "re-record the golden traces of a lab (or --all) from its reference into traces/");
  int record_runs = 1;
  bool record_check_only = false;
  record_command->add_option("lab", options.lab, "the lab to record (see `socklab list`)");
  record_command->add_flag("--all", options.all, "every lab");
  record_command->add_option("-j,--jobs", options.jobs, "scenarios run in parallel")->check(CLI::Range(1, 64));
  record_command->add_option("--scenario", options.scenarios, "record only this scenario (repeatable)");
  record_command->add_option("--traces", options.traces_dir, "where the goldens go")->capture_default_str();
  record_command->add_option("--out", options.out_dir, "folder for this run's pcaps and logs")
      ->capture_default_str();
  record_command->add_option("--runs", record_runs,
                             "record this many times; every run after the first must change nothing")
      ->check(CLI::Range(1, 100));
  record_command->add_flag("--check", record_check_only,
                           "write nothing: exit 1 if a reference no longer matches its golden");
  CLI::App* trace_command = app.add_subcommand("trace", "read a capture as TCP conversations");
  trace_command->require_subcommand(1);
  CLI::App* show_command = trace_command->add_subcommand(
      "show", "print each TCP connection of a pcap as a ladder diagram");
  TraceShowOptions show_options;
  show_command->add_option("file", show_options.file, "a .pcap or .pcap.gz file")->required();
  show_command->add_option("--svg", show_options.svg_file, "also write the ladders as an SVG image");
  show_command->add_option("--connection", show_options.connection, "show only this connection (1, 2, ...)");
  show_command->add_flag("--every-segment", show_options.every_segment,
                         "do not fold long stretches of plain data and ACKs");
  show_command->add_flag("--normalized", show_options.normalized,
                         "print the normalized trace (what the connections mean), as in traces/*.trace");
  show_command->add_flag("--analysis-fields", show_options.analysis_fields,
                         "print frame numbers and their tcp.analysis fields, as tshark names them");
  CLI::App* diff_command = trace_command->add_subcommand(
      "diff", "compare two traces by TCP meaning and explain the first divergence");
  std::string expected_trace, actual_trace;
  diff_command->add_option("expected", expected_trace, "the reference: .pcap, .pcap.gz or .trace")->required();
  diff_command->add_option("actual", actual_trace, "the one to judge: .pcap, .pcap.gz or .trace")->required();
  try {
    app.parse(own_argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error) == 0 ? 0 : 2;
  }
  options.server_arguments = server_arguments;
  try {
    if (app.got_subcommand("list")) return list_labs();
    if (show_command->parsed()) return trace_show(show_options);
    if (record_command->parsed()) return record(options, record_runs, record_check_only);
    if (diff_command->parsed()) return trace_diff(expected_trace, actual_trace);
    return check(options);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "socklab: %s\n", error.what());
    return 2;
  }
}
