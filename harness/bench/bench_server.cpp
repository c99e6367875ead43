#include "harness/bench/bench_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "harness/bench/bench_error.hpp"
#include "harness/bench/tool_path.hpp"
#include "net/errno_text.hpp"
#include "net/fd.hpp"

namespace socklab::bench {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// A server told to stop gets this long to close its connections before SIGKILL; ref-blocking
// with 10,000 threads needs a moment to wake and join them all.
constexpr milliseconds kStopGrace(5000);
constexpr milliseconds kConnectRetry(20);

sockaddr_in loopback_address(std::uint16_t port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// True once a TCP connect() to 127.0.0.1:PORT succeeds: the server is accepting.
bool accepts_connections(std::uint16_t port) {
  Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket) throw_errno("socket for the readiness probe", errno);
  sockaddr_in address = loopback_address(port);
  for (;;) {
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0)
      return true;
    if (errno == EINTR) continue;
    // ECONNREFUSED: nothing listens yet. Any other errno also means "not ready"; the caller's
    // timeout turns a server that never gets there into a BenchError.
    return false;
  }
}

harness::ProcessLimits limits_for(const BenchServerSpec& spec) {
  harness::ProcessLimits limits;
  limits.open_files = spec.open_files;
  if (spec.untrusted) {
    // A student's thread-per-connection server with 1,050 clients needs ~1,100 tasks and
    // 8 MiB of stack reservation each (RLIMIT_DATA counts stacks): bounded, but enough.
    limits.processes = 4096;
#if defined(__SANITIZE_ADDRESS__)
    // An ASan build of socklab measures ASan-built servers, whose shadow memory reservation
    // (TiBs) RLIMIT_DATA counts: no data limit can let them start.
    limits.data_bytes = 0;
#else
    limits.data_bytes = 16ull << 30;
#endif
  } else {
    // References are trusted: ref-blocking at 10,000 idle connections runs 10,000 threads,
    // whose stack reservations (80 GiB of address space, little of it resident) no sane
    // RLIMIT_DATA allows.
    limits.processes = 0;
    limits.data_bytes = 0;
    limits.cpu_seconds = 0;
  }
  return limits;
}

harness::Readiness wait_for_port(harness::SupervisedProcess& process, std::uint16_t port,
                                 milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  harness::Readiness readiness;
  while (SteadyClock::now() < deadline) {
    if (!process.alive()) {
      readiness.problem = "it " + process.exit_status()->describe() + " before accepting; " +
                          "its stderr ends with:\n" + process.stderr_tail();
      return readiness;
    }
    if (accepts_connections(port)) {
      readiness.ready = true;
      readiness.host = "127.0.0.1";
      readiness.port = port;
      return readiness;
    }
    std::this_thread::sleep_for(kConnectRetry);
  }
  readiness.problem = "nothing accepted connections on port " + std::to_string(port) +
                      " in time; its stderr ends with:\n" + process.stderr_tail();
  return readiness;
}

}  // namespace

BenchServer BenchServer::start(const BenchServerSpec& spec, milliseconds timeout) {
  if (::access(spec.program.c_str(), X_OK) != 0) {
    throw BenchError(spec.name + ": expected an executable program at " + spec.program.string() +
                     "; " + errno_text(errno));
  }
  const fs::path taskset = require_tool("taskset", "util-linux");
  fs::path log_dir =
      spec.log_dir.empty() ? fs::temp_directory_path() / "socklab-bench" : spec.log_dir;
  std::error_code made;
  fs::create_directories(log_dir, made);
  if (made)
    throw BenchError("cannot create the log folder " + log_dir.string() + ": " + made.message());

  harness::LaunchSpec launch;
  launch.program = taskset;
  launch.arguments = {"-c", std::to_string(spec.core), spec.program.string()};
  launch.arguments.insert(launch.arguments.end(), spec.arguments.begin(), spec.arguments.end());
  launch.stdout_log = log_dir / (spec.name + ".stdout");
  launch.stderr_log = log_dir / (spec.name + ".stderr");
  launch.limits = limits_for(spec);
  launch.drop_root = spec.untrusted;
  harness::SupervisedProcess process = [&] {
    try {
      return harness::SupervisedProcess::launch(launch);
    } catch (const std::exception& error) {
      throw BenchError(spec.name + ": could not start " + spec.program.string() + ": " +
                       error.what());
    }
  }();

  harness::Readiness readiness = spec.known_port ? wait_for_port(process, *spec.known_port, timeout)
                                                 : process.wait_until_listening(timeout);
  if (!readiness.ready) {
    const std::string expected =
        spec.known_port
            ? "to accept TCP connections on 127.0.0.1:" + std::to_string(*spec.known_port)
            : "the line `listening on HOST:PORT` on stdout (it was started with "
              "--port 0, as the server contract says)";
    process.stop(milliseconds(500));
    throw BenchError(spec.name + " (" + spec.program.string() + "): expected " + expected +
                     " within " + std::to_string(timeout.count()) + " ms; " + readiness.problem);
  }
  return BenchServer(spec.name, std::move(process), readiness.port);
}

BenchServer::~BenchServer() {
  if (process_.pid() <= 0) return;  // moved from
  try {
    stop();
  } catch (...) {
    // A destructor must not throw; the process dies with socklab through PR_SET_PDEATHSIG.
  }
}

void BenchServer::stop() {
  if (stopped_) return;
  stopped_ = true;
  process_.stop(kStopGrace);
}

std::uint16_t free_loopback_port() {
  Fd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!socket) throw_errno("socket for a free port", errno);
  sockaddr_in address = loopback_address(0);
  if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
    throw_errno("bind 127.0.0.1:0 for a free port", errno);
  socklen_t length = sizeof address;
  if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&address), &length) != 0)
    throw_errno("getsockname of the free port", errno);
  return ntohs(address.sin_port);  // released when `socket` closes; free until someone binds it
}

}  // namespace socklab::bench
