#include "net/stop_signal.hpp"

#include <sys/signalfd.h>

#include <cerrno>
#include <csignal>

#include "net/errno_text.hpp"

namespace socklab {
namespace {

sigset_t stop_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}

}  // namespace

void block_stop_signals() {
  sigset_t set = stop_signals();
  if (int rc = ::pthread_sigmask(SIG_BLOCK, &set, nullptr); rc != 0) {
    throw_errno("pthread_sigmask", rc);
  }
}

Fd open_stop_signal_fd() {
  sigset_t set = stop_signals();
  Fd fd(::signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC));
  if (!fd) throw_errno("signalfd", errno);
  return fd;
}

int wait_for_stop_signal() {
  sigset_t set = stop_signals();
  int signal_number = 0;
  if (int rc = ::sigwait(&set, &signal_number); rc != 0) throw_errno("sigwait", rc);
  return signal_number;
}

}  // namespace socklab
