// lab-blocking: your echo (or RESP) server with blocking sockets and one thread per connection.
// Handout: labs/01-blocking/README.md.
//
// Each connection gets a thread that sleeps in recv() until bytes, a FIN or an error arrive, and
// in send() until the kernel has taken every byte. Easy to follow, and naturally bounded: a
// thread stuck sending to a peer that does not read reads nothing more from it. The price is a
// thread, with its stack and its share of the scheduler, for every connection, busy or idle.
//
// What is given: the set-up (options, listener, the thread that waits for SIGTERM) and the
// bookkeeping that lets a stop wake every connection thread. What you write is marked
// TODO(step N), with N the step of the handout.
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <system_error>
#include <thread>
#include <unordered_set>

#include "net/acceptor.hpp"
#include "net/buffer.hpp"
#include "net/codec.hpp"
#include "net/errno_text.hpp"
#include "net/server_cli.hpp"
#include "net/stop_signal.hpp"

using namespace socklab;

namespace {

// The sockets being served, so that a stop can wake every thread blocked on one of them.
// A socket is closed under the same lock it is shut down under: otherwise the stopper could
// shut down a descriptor number that a thread has just closed and the kernel has reused.
class OpenConnections {
 public:
  // False when the server is stopping or already serves --max-conns connections.
  bool admit(int fd, std::size_t max_connections) {
    std::lock_guard lock(mutex_);
    if (stopping_ || fds_.size() >= max_connections) return false;
    fds_.insert(fd);
    return true;
  }

  // For a socket closed without ever being served (no thread could be started for it).
  void forget(int fd) {
    std::lock_guard lock(mutex_);
    fds_.erase(fd);
    if (fds_.empty()) all_closed_.notify_all();
  }

  // Closes an admitted socket: the kernel sends our FIN (or RST, if unread input is left).
  void close(Fd& socket) {
    std::lock_guard lock(mutex_);
    fds_.erase(socket.get());
    socket.reset();
    if (fds_.empty()) all_closed_.notify_all();
  }

  // shutdown() wakes a thread blocked in recv (it returns 0) or send (EPIPE), unlike close().
  void stop_all_and_wait() {
    std::unique_lock lock(mutex_);
    stopping_ = true;
    for (int fd : fds_) ::shutdown(fd, SHUT_RDWR);  // ENOTCONN if the peer already left: fine
    all_closed_.wait(lock, [this] { return fds_.empty(); });
  }

  std::size_t count() {
    std::lock_guard lock(mutex_);
    return fds_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable all_closed_;
  std::unordered_set<int> fds_;
  bool stopping_ = false;
};

// Talks to one client until it closes or fails. Returns 0 after a normal end (FIN or QUIT),
// otherwise the errno that ended the connection.
// [[maybe_unused]] only until serve_connection calls it.
[[maybe_unused]] int talk(int fd, const ServerOptions& options) {
  Buffer input;
  Buffer output;
  std::unique_ptr<Codec> codec = make_codec(options.protocol);
  // TODO(step 2): loop: input.read_from(fd) sleeps until something arrives; hand what came to
  //   codec->consume(input, output), then output.write_to(fd) until output is empty (one send()
  //   may take only part of it). Return when the codec says close_after_reply.
  // TODO(step 4): end_of_stream (the client's FIN) is a normal end: everything owed has been
  //   sent already, so return 0. failed: return read.error_number (ECONNRESET, EPIPE, ...).
  // TODO(step 6): with --idle-timeout, a read or write that waited that long returns
  //   would_block (SO_RCVTIMEO / SO_SNDTIMEO): return ETIMEDOUT.
  (void)fd;
  return 0;
}

// Serves one accepted socket until talk() ends, then closes it.
// [[maybe_unused]] only until accept_until_stopped calls it.
[[maybe_unused]] void serve_connection(Fd socket, const ServerOptions& options,
                                       OpenConnections& open) {
  // TODO(step 2): talk(socket.get(), options), then open.close(socket).
  // TODO(step 4): when talk() returns an errno, say so on stderr, e.g.
  //   "lab-blocking: closing fd 7: ECONNRESET (Connection reset by peer)" (errno_text()).
  (void)options;
  open.close(socket);
}

// Placeholder for step 1: sleeps until the stop thread shuts the listener down, accepting
// nothing. poll() asked for no event still reports POLLHUP, which a shut-down listener raises;
// a completed handshake (POLLIN) does not wake it. Delete this function in step 2.
void wait_for_listener_shutdown(int listener) {
  pollfd entry{listener, 0, 0};
  while (::poll(&entry, 1, -1) < 0) {
    if (errno != EINTR) throw_errno("poll", errno);
  }
}

void accept_until_stopped(Acceptor& acceptor, const ServerOptions& options, OpenConnections& open) {
  std::fprintf(stderr,
               "lab-blocking: TODO(step 2): accept connections and echo what they send "
               "(README.md, step 2)\n");
  wait_for_listener_shutdown(acceptor.fd());  // TODO(step 2): replace with the loop below
  // TODO(step 2): loop: acceptor.accept_one() sleeps until a handshake completes. Handle every
  //   AcceptStatus (net/acceptor.hpp); return on listener_closed, which is how a stop arrives.
  //   For an accepted socket: open.admit(fd, options.max_connections) (refuse with a line on
  //   stderr if it says no), prepare_connection(fd, options), then serve_connection() right
  //   here in this thread: one client at a time, for now.
  // TODO(step 3): serve each connection on a std::thread of its own (detach it:
  //   stop_all_and_wait() waits for all of them). std::thread throws std::system_error when no
  //   thread can be made: log it, open.forget(fd), go on accepting.
  // TODO(step 6): with --idle-timeout, set_io_timeouts(fd, options.idle_timeout) before serving.
  (void)options;
  (void)open;
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // before any thread exists, so that all of them inherit the mask
  ServerOptions options =
      parse_server_options(argc, argv, "Echo/RESP server: thread per connection (lab)");
  OpenConnections open;
  try {
    raise_open_file_limit();
    Acceptor acceptor(listen_tcp(options.host, options.port, /*nonblocking=*/false),
                      /*nonblocking_connections=*/false);
    announce_listening(acceptor.fd());
    // A blocked accept() cannot wait for a signal at the same time, so one thread waits for
    // SIGTERM/SIGINT and then shuts the listener down, which makes accept() fail with EINVAL.
    std::thread([listener = acceptor.fd()] {
      wait_for_stop_signal();
      ::shutdown(listener, SHUT_RDWR);
    }).detach();
    accept_until_stopped(acceptor, options, open);
    open.stop_all_and_wait();
  } catch (const std::exception& error) {
    std::fprintf(stderr, "lab-blocking: %s\n", error.what());
    open.stop_all_and_wait();  // the connection threads use `open`: it must outlive them
    return 1;
  }
  return 0;
}
