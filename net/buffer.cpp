#include "net/buffer.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/socket.hpp"

namespace socklab {

void Buffer::append(std::string_view bytes) {
  make_space(bytes.size());
  std::copy(bytes.begin(), bytes.end(), storage_.get() + write_index_);
  wrote(bytes.size());
}

void Buffer::wrote(std::size_t count) {
  write_index_ += count;
  peak_readable_ = std::max(peak_readable_, readable_bytes());
}

void Buffer::consume(std::size_t count) {
  read_index_ += std::min(count, readable_bytes());
  if (read_index_ != write_index_) return;
  read_index_ = write_index_ = 0;
  // Large memory goes back only once a fill did without it: the next large message would fault
  // every page in again (about 130 page faults for 512 KiB once glibc has unmapped it).
  if (capacity_ > kKeepCapacity && peak_readable_ <= kKeepCapacity) {
    storage_.reset();
    capacity_ = 0;
  }
  peak_readable_ = 0;
}

void Buffer::make_space(std::size_t count) {
  if (writable_bytes() >= count) return;
  const std::size_t readable = readable_bytes();
  if (read_index_ + writable_bytes() >= count) {
    // Enough room once the consumed prefix is reclaimed: slide the content to the front.
    std::memmove(storage_.get(), storage_.get() + read_index_, readable);
  } else {
    // At least double, so that n appended bytes cost O(n) copying in all. "for_overwrite":
    // the new bytes are left uninitialized, because they are written before they are read.
    const std::size_t capacity = std::max(readable + count, 2 * capacity_);
    std::unique_ptr<char[]> grown = std::make_unique_for_overwrite<char[]>(capacity);
    std::copy_n(storage_.get() + read_index_, readable, grown.get());
    storage_ = std::move(grown);
    capacity_ = capacity;
  }
  read_index_ = 0;
  write_index_ = readable;
}

IoResult Buffer::read_from(int fd) {
  char stack_area[kStackReadSize];
  const std::size_t writable = writable_bytes();
  iovec parts[2] = {{storage_.get() + write_index_, writable}, {stack_area, sizeof stack_area}};
  // With plenty of free space (a large buffer kept between messages), read into it alone: with
  // the stack area on top, each read in a flood would fill and then double what the last one grew.
  const int part_count = writable >= kKeepCapacity ? 1 : 2;
  for (;;) {
    ssize_t n = ::readv(fd, parts, part_count);
    if (n > 0) {
      auto received = static_cast<std::size_t>(n);
      if (received <= writable) {
        wrote(received);
      } else {
        wrote(writable);
        append({stack_area, received - writable});
      }
      return IoResult::transferred(received);
    }
    if (n == 0) return IoResult::end_of_stream();
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoResult::would_block();
    return IoResult::failed(errno);
  }
}

IoResult Buffer::write_to(int fd) {
  if (empty()) return IoResult::transferred(0);
  IoResult result = send_some(fd, storage_.get() + read_index_, readable_bytes());
  if (result.status == IoStatus::transferred) consume(result.bytes);
  return result;
}

}  // namespace socklab
