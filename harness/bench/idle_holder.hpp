// IdleHolder: the silent crowd of a scaling point. A `socklab load --idle M` process of its
// own, pinned beside the load generator, opens M connections and holds them while the active
// load runs in another process. Kept apart so that the M accept()s and their set-up cost fall
// before the measured window, not inside it: the window then measures serving 50 busy clients
// beside M silent ones, which is the question.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>

#include "harness/bench/bench_server.hpp"
#include "harness/process/supervised_process.hpp"

namespace socklab::bench {

class IdleHolder {
 public:
  // Starts the holder and returns once the server holds the connections (its descriptor
  // count stops growing, or reaches M). A holder that ends first means the server refused or
  // closed connections (select past FD_SETSIZE does): refused() then says so. Throws
  // BenchError when the server takes none of them in time. Its logs go to `log_dir`, beside
  // the server's.
  static IdleHolder hold(const std::filesystem::path& socklab, int core, BenchServer& server,
                         std::size_t idle, const std::filesystem::path& log_dir);

  IdleHolder(IdleHolder&&) noexcept = default;
  IdleHolder(const IdleHolder&) = delete;
  ~IdleHolder() = default;  // SupervisedProcess stops it

  void release() { process_.stop(std::chrono::milliseconds(3000)); }
  // False once the holder has ended: the server closed its connection (and the idle ones
  // with it), so a window measured meanwhile did not have the idle crowd it claims.
  bool still_holding() { return process_.alive(); }
  // "": the connections are held; else what the holder said when it gave up.
  const std::string& refused() const { return refused_; }

 private:
  explicit IdleHolder(harness::SupervisedProcess process) : process_(std::move(process)) {}
  harness::SupervisedProcess process_;
  std::string refused_;
};

}  // namespace socklab::bench
