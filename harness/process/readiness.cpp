// SupervisedProcess::wait_until_listening(): the server contract's readiness line, awaited as
// an event (inotify on the stdout log, a pidfd for the exit), never a fixed sleep.
#include <poll.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>

#include "harness/process/bounded_read.hpp"
#include "harness/process/listening_line.hpp"
#include "harness/process/supervised_process.hpp"
#include "net/fd.hpp"

namespace socklab::harness {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

// The line is looked for in the first 64 KiB: a server that writes more before it is not ready.
constexpr std::size_t kScanWindow = 64 * 1024;
constexpr std::size_t kQuotedStdout = 200;
// When inotify is unavailable (out of instances) the file is looked at on this interval; with
// it, this is only a safety net against a missed event.
constexpr milliseconds kPollFallback(5);
constexpr milliseconds kSafetyNet(100);

// Wakes when the stdout log is written to or the process exits.
class OutputWatch {
 public:
  OutputWatch(const std::filesystem::path& log, int pidfd) : pidfd_(pidfd) {
    inotify_ = Fd(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    // Either failure (EMFILE: out of inotify instances; ENOSPC: of watches) only means falling
    // back to looking every few milliseconds.
    if (inotify_ && ::inotify_add_watch(inotify_.get(), log.c_str(), IN_MODIFY) < 0) {
      inotify_.reset();
    }
  }

  void wait(SteadyClock::time_point deadline) {
    milliseconds cap = inotify_ && pidfd_ >= 0 ? kSafetyNet : kPollFallback;
    auto left = std::chrono::ceil<milliseconds>(deadline - SteadyClock::now());
    int timeout = static_cast<int>(std::clamp(left, milliseconds(0), cap).count());
    std::array<pollfd, 2> events{{{inotify_.get(), POLLIN, 0}, {pidfd_, POLLIN, 0}}};
    // poll ignores negative descriptors. EINTR: the caller looks at the file again anyway.
    ::poll(events.data(), events.size(), timeout);
    drain();
  }

 private:
  void drain() {
    if (!inotify_) return;
    alignas(inotify_event) char events[4096];
    // The events only say "look again"; their content does not matter. EAGAIN: drained.
    for (;;) {
      ssize_t n = ::read(inotify_.get(), events, sizeof events);
      if (n > 0 || (n < 0 && errno == EINTR)) continue;
      break;
    }
  }

  Fd inotify_;
  int pidfd_;
};

std::string one_line(std::string text) {
  if (text.size() > kQuotedStdout) text = text.substr(0, kQuotedStdout) + "...";
  std::string escaped;
  for (char c : text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
  return escaped;
}

std::string duration_text(milliseconds duration) {
  auto count = duration.count();
  if (count % 1000 == 0) return std::to_string(count / 1000) + " s";
  return std::to_string(count) + " ms";
}

Readiness not_ready(std::string problem) {
  Readiness readiness;
  readiness.problem = std::move(problem);
  return readiness;
}

}  // namespace

Readiness SupervisedProcess::wait_until_listening(milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  OutputWatch watch(spec_.stdout_log, pidfd_ ? pidfd_.get() : -1);  // armed before reading
  auto stderr_part = [this] {
    std::string tail = stderr_tail();
    return tail.empty() ? std::string("; stderr is empty") : "; last lines of stderr:\n" + tail;
  };
  for (;;) {
    // Exit first, output second: whatever it wrote before exiting is then in the file.
    bool exited = !alive();
    std::string output = detail::read_head(spec_.stdout_log, kScanWindow).value_or("");
    detail::ListeningLine line = detail::find_listening_line(output);
    if (line.found && line.well_formed) {
      Readiness readiness;
      readiness.ready = true;
      readiness.host = line.host;
      readiness.port = line.port;
      return readiness;
    }
    if (line.found) {
      return not_ready("printed '" + line.text + "' but expected 'listening on HOST:PORT'" +
                       " (HOST an IPv4 address or [IPv6], PORT 1-65535)");
    }
    if (exited) {
      return not_ready("the server " + exit_status_->describe() +
                       " before printing 'listening on HOST:PORT'" + stderr_part());
    }
    if (SteadyClock::now() >= deadline) {
      std::string so_far = output.empty() ? "nothing" : "'" + one_line(output) + "'";
      return not_ready("no 'listening on HOST:PORT' line within " + duration_text(timeout) +
                       "; stdout so far: " + so_far + stderr_part());
    }
    watch.wait(deadline);
  }
}

}  // namespace socklab::harness
