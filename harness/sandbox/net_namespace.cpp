#include "harness/sandbox/net_namespace.hpp"

#include <fcntl.h>
#include <sched.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>

#include "net/errno_text.hpp"

namespace socklab::harness {

namespace {

// thread-self, not self: scenarios run in parallel threads, and each thread can be in a
// different network namespace; /proc/self/ns/net names the main thread's.
constexpr const char* kThreadNetNamespace = "/proc/thread-self/ns/net";

Fd open_thread_net_namespace() {
  // O_CLOEXEC: a server started by another thread must not inherit the descriptor, or the
  // namespace would outlive this object for as long as that server runs.
  Fd fd(::open(kThreadNetNamespace, O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno(std::string("open ") + kThreadNetNamespace, errno);
  return fd;
}

// A thread left in another scenario's namespace would create that scenario's sockets for the
// next one: no exception can undo that safely, so the process stops.
void return_or_abort(const NetNamespace& home, const char* while_doing) {
  if (::setns(home.fd(), CLONE_NEWNET) == 0) return;
  int error = errno;
  std::fprintf(stderr, "socklab: cannot return the thread to its network namespace after %s: %s\n",
               while_doing, errno_text(error).c_str());
  std::abort();
}

}  // namespace

NetNamespace NetNamespace::current() { return NetNamespace(open_thread_net_namespace()); }

NetNamespace NetNamespace::create() {
  NetNamespace home = current();
  // unshare(CLONE_NEWNET) moves only the calling thread (namespaces are per task), so this is
  // safe while other threads run; the new namespace lives on through the descriptor opened next.
  if (::unshare(CLONE_NEWNET) != 0) throw_errno("unshare(CLONE_NEWNET)", errno);
  Fd created(::open(kThreadNetNamespace, O_RDONLY | O_CLOEXEC));
  int open_error = errno;
  return_or_abort(home, "creating a network namespace");
  if (!created) throw_errno(std::string("open new ") + kThreadNetNamespace, open_error);
  return NetNamespace(std::move(created));
}

EnterNetNamespace::EnterNetNamespace(const NetNamespace& target)
    : previous_(NetNamespace::current()) {
  if (::setns(target.fd(), CLONE_NEWNET) != 0) throw_errno("setns(CLONE_NEWNET)", errno);
}

EnterNetNamespace::~EnterNetNamespace() { return_or_abort(previous_, "a scenario step"); }

}  // namespace socklab::harness
