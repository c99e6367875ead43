// Buffer: a growable byte queue for one direction of one connection.
//
//   +-------------------+------------------+------------------+
//   |  consumed bytes   |  readable bytes  |  writable bytes  |
//   |  (free to reuse)  |    (content)     |   (free space)   |
//   +-------------------+------------------+------------------+
//   0            read_index_        write_index_         capacity
//
// read_from() fills the writable space and a 64 KiB area on the stack with one readv(), so one
// system call takes up to that much without asking first how much the kernel has queued (no
// FIONREAD), the buffer grows only by what really arrived, and an idle connection holds no
// memory at all.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "net/io_result.hpp"

namespace socklab {

class Buffer {
 public:
  static constexpr std::size_t kStackReadSize = 64 * 1024;
  // An emptied buffer larger than this gives its memory back once a fill has not needed more
  // than this, so a connection that once carried a burst does not keep the burst's footprint for
  // the rest of its life, and one that carries large messages back to back does not pay for
  // its memory again with every message.
  static constexpr std::size_t kKeepCapacity = 256 * 1024;

  std::size_t readable_bytes() const { return write_index_ - read_index_; }
  bool empty() const { return readable_bytes() == 0; }
  std::string_view readable() const { return {storage_.get() + read_index_, readable_bytes()}; }
  std::size_t capacity() const { return capacity_; }

  void append(std::string_view bytes);
  void consume(std::size_t count);
  void clear() { consume(readable_bytes()); }

  // One readv() from fd into this buffer (EINTR retried): into the free space and the stack
  // area, or into the free space alone once that is kKeepCapacity or more.
  IoResult read_from(int fd);
  // One send() of the readable bytes to fd with MSG_NOSIGNAL; consumes what was sent.
  IoResult write_to(int fd);

 private:
  std::size_t writable_bytes() const { return capacity_ - write_index_; }
  void make_space(std::size_t count);
  void wrote(std::size_t count);

  // Not a std::vector<char>: growing one zeroes the new bytes, a second pass over memory that
  // is about to be overwritten anyway.
  std::unique_ptr<char[]> storage_;
  std::size_t capacity_ = 0;
  std::size_t read_index_ = 0;
  std::size_t write_index_ = 0;
  std::size_t peak_readable_ = 0;  // the most bytes held at once since the buffer was last empty
};

}  // namespace socklab
