#include "harness/engine/run_plan.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/engine/interruption.hpp"

namespace socklab::harness {

std::vector<ScenarioResult> run_jobs(const std::vector<ScenarioJob>& jobs, const RunSettings& settings,
                                     int parallel, const ProgressListener& listener, bool& interrupted) {
  std::vector<std::optional<ScenarioResult>> slots(jobs.size());
  std::atomic<std::size_t> next{0};
  std::mutex report_mutex;
  int done = 0;

  // Worker threads live until every job is done: a server's PR_SET_PDEATHSIG is tied to the
  // thread that started it, so that thread must outlive the server.
  auto work = [&] {
    for (;;) {
      std::size_t index = next.fetch_add(1);
      if (index >= jobs.size() || socklab::harness::interrupted()) return;
      {
        std::lock_guard lock(report_mutex);
        if (listener.started) listener.started(jobs[index]);
      }
      try {
        ScenarioResult result = run_scenario(jobs[index], settings);
        std::lock_guard lock(report_mutex);
        slots[index] = result;
        ++done;
        if (listener.finished) listener.finished(result, done, static_cast<int>(jobs.size()));
      } catch (const Interrupted&) {
        return;
      }
    }
  };
  std::vector<std::thread> workers;
  for (int i = 0; i < std::max(parallel, 1); ++i) workers.emplace_back(work);
  for (std::thread& worker : workers) worker.join();

  interrupted = socklab::harness::interrupted();
  std::vector<ScenarioResult> results;
  for (auto& slot : slots) {
    if (slot) results.push_back(std::move(*slot));
  }
  return results;
}

}  // namespace socklab::harness
