#include "harness/faults/peer_process.hpp"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

#include "net/errno_text.hpp"

namespace socklab::harness {
namespace {

constexpr int kHeldSocketFd = 3;

// The child of a multi-threaded harness may only make async-signal-safe calls: raw system
// calls, then pause() until the SIGKILL. It closes every inherited descriptor but the socket,
// so that the other scenarios' sockets, which it also inherited, are not kept open by it.
[[noreturn]] void hold_socket(int socket_fd) {
  // If the harness dies first, so does this process: no stray client survives a run.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (socket_fd != kHeldSocketFd && ::dup2(socket_fd, kHeldSocketFd) < 0) ::_exit(1);
  ::syscall(SYS_close_range, kHeldSocketFd + 1, ~0U, 0);
  for (int fd = 0; fd < kHeldSocketFd; ++fd) ::close(fd);  // not ours: the harness's stdio
  for (;;) ::pause();
}

}  // namespace

PeerProcess PeerProcess::adopt(Fd socket) {
  pid_t pid = ::fork();
  if (pid < 0) throw_errno("fork (a client process to crash)", errno);
  if (pid == 0) hold_socket(socket.get());
  return PeerProcess(pid);  // `socket` closes here: the child holds the only reference now
}

PeerProcess::PeerProcess(PeerProcess&& other) noexcept : pid_(std::exchange(other.pid_, -1)) {}

PeerProcess::~PeerProcess() { crash(); }

void PeerProcess::crash() {
  if (pid_ < 0) return;
  pid_t pid = std::exchange(pid_, -1);
  // It is our child and not yet reaped, so the pid is still its own: the signal cannot reach
  // another process. ESRCH is impossible for the same reason.
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
}

}  // namespace socklab::harness
