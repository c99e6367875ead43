// ref-blocking: an echo (or RESP) server with one thread per connection and blocking sockets.
//
// The baseline the other servers are measured against. Each connection gets a thread that
// sleeps in recv() until bytes, a FIN or an error arrive, and in send() until the kernel has
// taken every byte. Easy to follow, and naturally bounded: a thread stuck sending to a peer that
// does not read reads nothing more from it. The price is a thread, with its stack and its share
// of the scheduler, for every connection, busy or idle.
#include <sys/socket.h>

#include <atomic>
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

  // For a socket closed without ever being served.
  void forget(int fd) {
    std::lock_guard lock(mutex_);
    fds_.erase(fd);
    if (fds_.empty()) all_closed_.notify_all();
  }

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
int talk(int fd, const ServerOptions& options) {
  Buffer input;
  Buffer output;
  std::unique_ptr<Codec> codec = make_codec(options.protocol);
  for (;;) {
    IoResult read = input.read_from(fd);  // sleeps until bytes, FIN, an error or the timeout
    if (read.status == IoStatus::end_of_stream) return 0;  // everything owed was sent already
    if (read.status == IoStatus::would_block) return ETIMEDOUT;  // SO_RCVTIMEO: idle too long
    if (read.status == IoStatus::failed) return read.error_number;
    CodecVerdict verdict = codec->consume(input, output);
    while (!output.empty()) {  // send() may take only part of it: keep going until all is sent
      IoResult write = output.write_to(fd);
      if (write.status == IoStatus::would_block) return ETIMEDOUT;  // SO_SNDTIMEO expired
      if (write.status == IoStatus::failed) return write.error_number;
    }
    if (verdict == CodecVerdict::close_after_reply) return 0;
  }
}

void serve_connection(Fd socket, const ServerOptions& options, OpenConnections& open) {
  int error_number = talk(socket.get(), options);
  if (error_number == ETIMEDOUT) {
    std::fprintf(stderr, "ref-blocking: closing fd %d: idle longer than --idle-timeout\n",
                 socket.get());
  } else if (error_number != 0) {
    std::fprintf(stderr, "ref-blocking: closing fd %d: %s\n", socket.get(),
                 errno_text(error_number).c_str());
  }
  open.close(socket);  // the kernel sends our FIN
}

void accept_until_stopped(Acceptor& acceptor, const ServerOptions& options, OpenConnections& open) {
  for (;;) {
    AcceptOutcome outcome = acceptor.accept_one();  // sleeps until a handshake completes
    switch (outcome.status) {
      case AcceptStatus::listener_closed:
        return;  // the stop thread shut the listener down
      case AcceptStatus::queue_empty:
      case AcceptStatus::retry:
        continue;
      case AcceptStatus::out_of_fds:
        std::fprintf(stderr, "ref-blocking: out of descriptors (%s): refused one connection\n",
                     errno_name(outcome.error_number).c_str());
        continue;
      case AcceptStatus::accepted:
        break;
    }
    int fd = outcome.connection.get();
    if (!open.admit(fd, options.max_connections)) {
      std::fprintf(stderr, "ref-blocking: refusing a connection: %zu already open (--max-conns)\n",
                   open.count());
      continue;  // the Fd closes here: the client sees FIN right after its handshake
    }
    prepare_connection(fd, options);
    // With a timeout, a blocked recv or send gives up with EAGAIN: the idle timeout for free.
    if (options.idle_timeout.count() > 0) set_io_timeouts(fd, options.idle_timeout);
    try {
      std::thread(serve_connection, std::move(outcome.connection), std::cref(options),
                  std::ref(open))
          .detach();  // it ends by itself; stop_all_and_wait() waits for all of them
    } catch (const std::system_error& error) {
      // No thread (EAGAIN: the process is at its limit of threads or memory, the real ceiling
      // of this design). The failed thread's copy of the Fd has closed the socket already.
      std::fprintf(stderr, "ref-blocking: refusing a connection: cannot start a thread: %s\n",
                   error.what());
      open.forget(fd);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  block_stop_signals();  // before any thread exists, so that all of them inherit the mask
  ServerOptions options = parse_server_options(argc, argv, "Echo/RESP server: thread per connection");
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
    std::fprintf(stderr, "ref-blocking: %s\n", error.what());
    open.stop_all_and_wait();  // the connection threads use `open`: it must outlive them
    return 1;
  }
  return 0;
}
