#include "net/buffer.hpp"

#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "net/socket.hpp"

namespace socklab {

void Buffer::append(std::string_view bytes) {
  make_space(bytes.size());
  std::copy(bytes.begin(), bytes.end(), storage_.begin() + static_cast<std::ptrdiff_t>(write_index_));
  write_index_ += bytes.size();
}

void Buffer::consume(std::size_t count) {
  read_index_ += std::min(count, readable_bytes());
  if (read_index_ == write_index_) {
    read_index_ = write_index_ = 0;
    if (storage_.capacity() > kKeepCapacity) std::vector<char>().swap(storage_);
  }
}

void Buffer::make_space(std::size_t count) {
  if (writable_bytes() >= count) return;
  std::size_t readable = readable_bytes();
  if (read_index_ + writable_bytes() >= count) {
    // Enough room once the consumed prefix is reclaimed: slide the content to the front.
    std::memmove(storage_.data(), storage_.data() + read_index_, readable);
    read_index_ = 0;
    write_index_ = readable;
    return;
  }
  storage_.resize(std::max(write_index_ + count, storage_.size() * 2));
}

IoResult Buffer::read_from(int fd) {
  char stack_area[kStackReadSize];
  const std::size_t writable = writable_bytes();
  iovec parts[2] = {{storage_.data() + write_index_, writable}, {stack_area, sizeof stack_area}};
  for (;;) {
    ssize_t n = ::readv(fd, parts, 2);
    if (n > 0) {
      auto received = static_cast<std::size_t>(n);
      if (received <= writable) {
        write_index_ += received;
      } else {
        write_index_ = storage_.size();
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
  IoResult result = send_some(fd, storage_.data() + read_index_, readable_bytes());
  if (result.status == IoStatus::transferred) consume(result.bytes);
  return result;
}

}  // namespace socklab
