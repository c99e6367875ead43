#include "harness/commands/run_labs.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <thread>

#include "harness/commands/record_command.hpp"
#include "harness/commands/run_steps.hpp"
#include "harness/engine/interruption.hpp"
#include "harness/engine/lab_manifest.hpp"
#include "harness/engine/labs.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/process/supervised_process.hpp"
#include "harness/report/console_report.hpp"
#include "harness/report/html_report.hpp"
#include "harness/report/json_report.hpp"
#include "harness/sandbox/net_namespace.hpp"
#include "harness/sandbox/tcp_sysctls.hpp"
#include "harness/sandbox/user_namespace.hpp"
#include "net/errno_text.hpp"
#include "net/socket.hpp"
#include "net/stop_signal.hpp"

namespace socklab::harness {
namespace {

namespace fs = std::filesystem;

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

}  // namespace

int usage_error(const std::string& message) {
  std::fprintf(stderr, "socklab: %s\n", message.c_str());
  return 2;
}

int plan_jobs(const CheckOptions& options, std::vector<ScenarioJob>& jobs) {
  if (options.checkpoint > 0 && options.all) {
    return usage_error("--checkpoint goes with one LAB, not with --all");
  }
  std::vector<const Lab*> labs;
  if (options.all) {
    if (!options.lab.empty()) return usage_error("give a LAB or --all, not both");
    if (!options.server.empty()) return usage_error("--server goes with one LAB, not with --all");
    for (const Lab& lab : all_labs()) labs.push_back(&lab);
  } else {
    if (options.lab.empty())
      return usage_error("which lab? give a LAB (see `socklab list`) or --all");
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
    const LabManifest* manifest = manifest_of(*lab);
    if (options.checkpoint > 0) {
      if (!manifest)
        return usage_error("the " + lab->name + " lab has no checkpoints (no lab.toml)");
      int last = static_cast<int>(manifest->checkpoints.size());
      if (options.checkpoint > last) {
        return usage_error("the " + lab->name + " lab has checkpoints 1 to " +
                           std::to_string(last) + " (see `socklab list`), not " +
                           std::to_string(options.checkpoint));
      }
    }
    for (const ScenarioSpec* spec : scenarios_of(*lab)) {
      bool wanted = options.scenarios.empty() ||
                    std::find(options.scenarios.begin(), options.scenarios.end(), spec->name) !=
                        options.scenarios.end();
      if (options.checkpoint > 0) {
        const Checkpoint* checkpoint = manifest->checkpoint_of(spec->name);
        wanted = wanted && checkpoint && checkpoint->number <= options.checkpoint;
      }
      if (wanted) jobs.push_back({lab, spec, program});
    }
  }
  // A misspelt --scenario must not quietly leave its scenario out of the run.
  for (const std::string& name : options.scenarios) {
    bool known = std::any_of(labs.begin(), labs.end(), [&](const Lab* lab) {
      const auto specs = scenarios_of(*lab);
      return std::any_of(specs.begin(), specs.end(),
                         [&](const ScenarioSpec* spec) { return spec->name == name; });
    });
    if (!known) {
      std::string choices;
      for (const Lab* lab : labs) {
        for (const ScenarioSpec* spec : scenarios_of(*lab)) choices += " " + spec->name;
      }
      return usage_error("no scenario named '" + name +
                         "' in the chosen lab; its scenarios:" + choices);
    }
  }
  if (jobs.empty())
    return usage_error(
        "no scenario of the chosen checkpoints in the chosen lab (see `socklab list`)");
  return 0;
}

namespace {

void prepare_signals_and_limits() {
  start_interruption_watcher();
  become_subreaper();
  socklab::raise_open_file_limit();  // hundreds of client sockets per scenario, times -j
}

}  // namespace

bool prepare_process(const CheckOptions& options, bool recording) {
  if (!options.no_netns) {
    SandboxSupport sandbox =
        enter_sandbox();  // still single-threaded, as unshare(CLONE_NEWUSER) requires
    if (!sandbox.available) {
      std::fprintf(stderr, "socklab: cannot create network namespaces: %s\n%s\n",
                   sandbox.reason.c_str(), sandbox.remedy.c_str());
      std::fprintf(stderr, "%s\n",
                   recording ? "Golden traces are recorded from packet captures, which need the "
                               "namespaces: record on a machine that allows them."
                             : "Or run with --no-netns: loopback only, without packet capture; "
                               "scenarios that need their own hosts are then reported as skipped.");
      return false;
    }
  }
  prepare_signals_and_limits();
  return true;
}

std::string prepare_process_or_loopback(CheckOptions& options,
                                        const std::function<void()>& while_single_threaded) {
  std::string fallback_reason;
  if (!options.no_netns) {
    SandboxSupport sandbox = enter_sandbox();
    if (!sandbox.available) {
      options.no_netns = true;
      fallback_reason = "network namespaces cannot be made here (" + sandbox.reason +
                        "), so socklab graded on loopback only";
      std::fprintf(stderr,
                   "socklab: %s; scenarios that need hosts of their own are not gradable "
                   "here and leave the maximum.\n",
                   fallback_reason.c_str());
    }
  }
  if (while_single_threaded) while_single_threaded();
  prepare_signals_and_limits();
  return fallback_reason;
}

namespace {

// The jobs one checkpoint at a time (they are planned in checkpoint order), stopping after the
// first checkpoint with a failure: the later ones build on it, and their verdicts would only
// repeat the same mistake.
std::vector<ScenarioResult> run_until_a_checkpoint_fails(const std::vector<ScenarioJob>& jobs,
                                                         const RunSettings& settings, int parallel,
                                                         const ProgressListener& listener,
                                                         bool& interrupted) {
  std::vector<ScenarioResult> results;
  for (std::size_t first = 0; first < jobs.size();) {
    auto checkpoint_of = [](const ScenarioJob& job) -> int {
      const LabManifest* manifest = manifest_of(*job.lab);
      const Checkpoint* checkpoint = manifest ? manifest->checkpoint_of(job.spec->name) : nullptr;
      return checkpoint ? checkpoint->number : 0;
    };
    std::size_t last = first;
    while (last < jobs.size() && jobs[last].lab == jobs[first].lab &&
           checkpoint_of(jobs[last]) == checkpoint_of(jobs[first]))
      ++last;
    std::vector<ScenarioJob> group(jobs.begin() + static_cast<std::ptrdiff_t>(first),
                                   jobs.begin() + static_cast<std::ptrdiff_t>(last));
    // Progress counts over every planned scenario, not over this checkpoint's alone.
    ProgressListener counted = listener;
    std::size_t done_before = results.size();
    counted.finished = [&](const ScenarioResult& result, int done, int) {
      if (listener.finished)
        listener.finished(result, static_cast<int>(done_before) + done,
                          static_cast<int>(jobs.size()));
    };
    std::vector<ScenarioResult> ran = run_jobs(group, settings, parallel, counted, interrupted);
    bool failed = std::any_of(ran.begin(), ran.end(), [](const ScenarioResult& result) {
      return result.verdict == Verdict::failed || result.verdict == Verdict::error;
    });
    results.insert(results.end(), ran.begin(), ran.end());
    if (interrupted) break;
    if (failed && checkpoint_of(jobs[first]) > 0) {
      if (last < jobs.size()) {
        std::printf(
            "checkpoint %d failed: the %zu scenarios after it were not run "
            "(--until-failure)\n",
            checkpoint_of(jobs[first]), jobs.size() - last);
      }
      break;
    }
    first = last;
  }
  return results;
}

}  // namespace

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

  ConsoleReport console(stdout, options.compare);
  ProgressListener listener;
  listener.finished = [&](const ScenarioResult& result, int done, int total) {
    console.scenario_finished(result, done, total);
  };
  auto start = std::chrono::steady_clock::now();
  if (options.until_failure) {
    report.results =
        run_until_a_checkpoint_fails(jobs, settings, options.jobs, listener, report.interrupted);
  } else {
    report.results = run_jobs(jobs, settings, options.jobs, listener, report.interrupted);
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  console.summary(report);
  fs::create_directories(settings.out_dir);
  write_json_report(report, settings.out_dir / "report.json");
  if (!options.json_file.empty()) write_json_report(report, options.json_file);
  // Beside report.json, for a person: every feedback folder opens in a browser as it is.
  write_html_report(report, settings.out_dir / "report.html");
  if (!options.html_file.empty()) write_html_report(report, options.html_file);
  return report;
}

// The lab manifests, from --labs or socklab's own copy, read and checked before anything runs:
// a manifest that names a scenario its lab lacks is a usage error, not a failed run.
bool load_manifests(const CheckOptions& options) {
  try {
    if (!options.labs_dir.empty()) use_lab_manifests_from(options.labs_dir);
    lab_manifests();
    return true;
  } catch (const std::exception& error) {
    usage_error(std::string("bad lab manifest: ") + error.what());
    return false;
  }
}

int check(const CheckOptions& options) {
  std::vector<ScenarioJob> jobs;
  if (!load_manifests(options)) return 2;
  if (int status = plan_jobs(options, jobs); status != 0) return status;
  if (!prepare_process(options)) return 2;
  RunReport report = run_planned(jobs, options);
  return report.interrupted ? 130 : report.exit_status();
}

int record(CheckOptions options, int runs, bool check_only) {
  std::vector<ScenarioJob> jobs;
  if (!load_manifests(options)) return 2;
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

}  // namespace socklab::harness
