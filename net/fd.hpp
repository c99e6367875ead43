// Fd: sole owner of one file descriptor; closing it is the destructor's job and nobody else's.
#pragma once

#include <unistd.h>

#include <utility>

namespace socklab {

// Move-only: two owners of one descriptor would close it twice, and the second close could hit
// an unrelated descriptor that the kernel has handed out again in between.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) reset(std::exchange(other.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  explicit operator bool() const { return valid(); }

  // close() is not retried on EINTR: on Linux the descriptor is released even then, and a retry
  // could close a descriptor another thread has just been given.
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

}  // namespace socklab
