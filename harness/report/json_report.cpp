#include "harness/report/json_report.hpp"

#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace socklab::harness {

void write_json_report(const RunReport& report, const std::filesystem::path& file) {
  nlohmann::json scenarios = nlohmann::json::array();
  for (const ScenarioResult& result : report.results) {
    nlohmann::json entry = {
        {"lab", result.lab},
        {"scenario", result.scenario},
        {"purpose", result.purpose},
        {"verdict", verdict_name(result.verdict)},
        {"message", result.verdict == Verdict::failed ? result.finding.sentence() : result.note},
        {"seconds", result.seconds},
        {"server", result.server_program.string()},
        {"server_exit", result.server_exit},
        {"artifacts",
         {{"pcap", result.pcap.string()},
          {"stdout", result.stdout_log.string()},
          {"stderr", result.stderr_log.string()}}},
        {"packets", result.packets},
        {"observations", result.observations},
    };
    if (result.checkpoint > 0) {
      entry["checkpoint"] = {{"number", result.checkpoint},
                             {"title", result.checkpoint_title},
                             {"step", result.step},
                             {"handout", result.handout}};
    }
    if (!result.parts.empty()) {
      nlohmann::json parts = nlohmann::json::array();
      for (const PartResult& part : result.parts) {
        nlohmann::json one = {{"name", part.name}, {"passed", part.passed}};
        if (!part.passed) {
          one["finding"] = {{"expected", part.finding.expected},
                            {"happened", part.finding.happened},
                            {"meaning", part.finding.meaning}};
        }
        parts.push_back(std::move(one));
      }
      entry["parts"] = std::move(parts);
    }
    if (result.verdict == Verdict::failed) {
      entry["finding"] = {{"expected", result.finding.expected},
                          {"happened", result.finding.happened},
                          {"meaning", result.finding.meaning}};
      if (!result.golden_trace.empty()) {
        entry["golden"] = {{"trace", result.golden_trace},
                           {"divergence", result.golden_divergence},
                           {"error", result.golden_error},
                           {"side_by_side", result.golden_side_by_side}};
      }
    }
    scenarios.push_back(std::move(entry));
  }
  nlohmann::json document = {
      {"socklab_report_version", 1},
      {"started_at", report.started_at},
      {"seconds", report.seconds},
      {"mode", report.mode},
      {"kernel", report.kernel},
      {"tcp_sysctls", report.tcp_sysctls},
      {"tcp_sysctls_pinned", report.sysctls_pinned},
      {"interrupted", report.interrupted},
      {"summary",
       {{"passed", report.count(Verdict::passed)},
        {"failed", report.count(Verdict::failed)},
        {"skipped", report.count(Verdict::skipped)},
        {"errors", report.count(Verdict::error)}}},
      {"scenarios", scenarios},
  };
  std::ofstream out(file);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  out << document.dump(2) << "\n";
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

}  // namespace socklab::harness
