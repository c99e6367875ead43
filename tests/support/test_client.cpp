#include "tests/support/test_client.hpp"

#include <arpa/inet.h>
#include <linux/sockios.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>
#include <thread>

#include "net/errno_text.hpp"
#include "net/socket.hpp"

namespace socklab::test {
namespace {

using std::chrono::milliseconds;

int remaining_ms(Deadline deadline) {
  auto left = std::chrono::ceil<milliseconds>(deadline - std::chrono::steady_clock::now()).count();
  return static_cast<int>(std::max<milliseconds::rep>(left, 0));
}

std::string progress(std::size_t done, std::size_t total) {
  return std::to_string(done) + " of " + std::to_string(total) + " bytes";
}

// What a failed read or write means, for the exception message.
std::string describe_io(const IoResult& result) {
  if (result.status == IoStatus::end_of_stream) return "the server closed the connection (EOF)";
  return errno_text(result.error_number);
}

}  // namespace

Deadline deadline_after(milliseconds timeout) { return std::chrono::steady_clock::now() + timeout; }

Fd connect_client(std::uint16_t port) {
  Fd connection = connect_tcp("127.0.0.1", port);
  set_nonblocking(connection.get());
  return connection;
}

bool wait_for(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd ready{fd, events, 0};
    int rc = ::poll(&ready, 1, remaining_ms(deadline));
    if (rc > 0) return true;  // includes POLLERR and POLLHUP: the next call will say which
    if (rc == 0) return false;
    if (errno != EINTR) throw_errno("poll", errno);
  }
}

bool wait_until(const std::function<bool()>& condition, Deadline deadline) {
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

void send_all(int fd, std::string_view bytes, Deadline deadline) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    IoResult result = send_some(fd, bytes.data() + sent, bytes.size() - sent);
    if (result.status == IoStatus::transferred) {
      sent += result.bytes;
    } else if (result.status == IoStatus::would_block) {
      // Our send buffer is full: the server is not reading. Wait for room, up to the deadline.
      if (!wait_for(fd, POLLOUT, deadline)) {
        throw std::runtime_error("send_all: no room to send within the deadline after " +
                                 progress(sent, bytes.size()));
      }
    } else {
      throw std::runtime_error("send_all: " + describe_io(result) + " after " +
                               progress(sent, bytes.size()));
    }
  }
}

std::string read_exactly(int fd, std::size_t count, Deadline deadline) {
  std::string received(count, '\0');
  std::size_t done = 0;
  while (done < count) {
    IoResult result = receive_some(fd, received.data() + done, count - done);
    if (result.status == IoStatus::transferred) {
      done += result.bytes;
    } else if (result.status == IoStatus::would_block) {
      if (!wait_for(fd, POLLIN, deadline)) {
        throw std::runtime_error("read_exactly: nothing more arrived within the deadline after " +
                                 progress(done, count));
      }
    } else {
      throw std::runtime_error("read_exactly: " + describe_io(result) + " after " +
                               progress(done, count));
    }
  }
  return received;
}

std::string read_line(int fd, Deadline deadline) {
  std::string line;
  while (line.size() < 2 || line.compare(line.size() - 2, 2, "\r\n") != 0) {
    char byte = 0;
    IoResult result = receive_some(fd, &byte, 1);
    if (result.status == IoStatus::transferred) {
      line += byte;
    } else if (result.status == IoStatus::would_block) {
      if (!wait_for(fd, POLLIN, deadline)) {
        throw std::runtime_error("read_line: no CRLF within the deadline; got '" + line + "'");
      }
    } else {
      throw std::runtime_error("read_line: " + describe_io(result) + " after '" + line + "'");
    }
  }
  return line;
}

std::string StreamEnd::describe() const {
  std::string after = " after " + std::to_string(bytes.size()) + " bytes";
  switch (kind) {
    case Kind::end_of_stream:
      return "EOF" + after;
    case Kind::failed:
      return errno_text(error_number) + after;
    case Kind::deadline_passed:
      break;
  }
  return "neither EOF nor an error within the deadline" + after;
}

StreamEnd read_until_end(int fd, Deadline deadline) {
  StreamEnd end;
  char chunk[64 * 1024];
  for (;;) {
    IoResult result = receive_some(fd, chunk, sizeof chunk);
    switch (result.status) {
      case IoStatus::transferred:
        end.bytes.append(chunk, result.bytes);
        break;
      case IoStatus::would_block:
        if (!wait_for(fd, POLLIN, deadline)) {
          end.kind = StreamEnd::Kind::deadline_passed;
          return end;
        }
        break;
      case IoStatus::end_of_stream:
        end.kind = StreamEnd::Kind::end_of_stream;
        return end;
      case IoStatus::failed:
        end.kind = StreamEnd::Kind::failed;
        end.error_number = result.error_number;
        return end;
    }
  }
}

void shutdown_write(int fd) {
  if (::shutdown(fd, SHUT_WR) != 0) throw_errno("shutdown(SHUT_WR)", errno);
}

void reset_connection(Fd& connection) {
  set_linger(connection.get(), true, 0);
  connection.reset();
}

ChunkSizes fixed_chunk_size(std::size_t size) {
  return [size] { return size; };
}

std::string echo_concurrently(int fd, std::string_view data, Deadline deadline,
                              const EchoOptions& options) {
  std::string received;
  received.reserve(data.size());
  std::size_t sent = std::min(options.already_sent, data.size());
  bool half_closed = false;
  char chunk[64 * 1024];
  auto stuck = [&](const std::string& why) {
    return std::runtime_error("echo_concurrently: " + why + " after sending " +
                              progress(sent, data.size()) + " and receiving " +
                              progress(received.size(), data.size()));
  };
  while (received.size() < data.size()) {
    if (sent == data.size() && options.half_close_when_sent && !half_closed) {
      shutdown_write(fd);
      half_closed = true;
    }
    pollfd ready{fd, static_cast<short>(POLLIN | (sent < data.size() ? POLLOUT : 0)), 0};
    int rc = ::poll(&ready, 1, remaining_ms(deadline));
    if (rc < 0 && errno == EINTR) continue;
    if (rc < 0) throw_errno("poll", errno);
    if (rc == 0) throw stuck("the deadline passed");
    if (ready.revents & (POLLIN | POLLERR | POLLHUP)) {
      // Never read past the echo of `data`: whatever follows (EOF, extra bytes) is the caller's.
      std::size_t wanted = std::clamp<std::size_t>(options.next_read_size(), 1, sizeof chunk);
      wanted = std::min(wanted, data.size() - received.size());
      IoResult result = receive_some(fd, chunk, wanted);
      if (result.status == IoStatus::transferred) {
        received.append(chunk, result.bytes);
      } else if (result.status != IoStatus::would_block) {
        throw stuck(describe_io(result));
      }
    }
    if ((ready.revents & POLLOUT) && sent < data.size()) {
      std::size_t size = std::clamp<std::size_t>(options.next_write_size(), 1, data.size() - sent);
      IoResult result = send_some(fd, data.data() + sent, size);
      if (result.status == IoStatus::transferred) {
        sent += result.bytes;
      } else if (result.status != IoStatus::would_block) {
        throw stuck(describe_io(result));
      }
    }
  }
  if (options.half_close_when_sent && !half_closed) shutdown_write(fd);
  return received;
}

std::size_t send_without_reading(int fd, std::string_view data, milliseconds stall) {
  std::size_t sent = 0;
  while (sent < data.size() && wait_for(fd, POLLOUT, deadline_after(stall))) {
    IoResult result = send_some(fd, data.data() + sent, data.size() - sent);
    if (result.status == IoStatus::transferred) sent += result.bytes;
    if (result.status == IoStatus::failed) {
      throw std::runtime_error("send_without_reading: " + describe_io(result) + " after " +
                               progress(sent, data.size()));
    }
  }
  return sent;
}

std::size_t unacknowledged_bytes(int fd) {
  int bytes = 0;
  if (::ioctl(fd, SIOCOUTQ, &bytes) != 0) throw_errno("ioctl(SIOCOUTQ)", errno);
  return static_cast<std::size_t>(bytes);
}

std::size_t unread_by_server(int fd) {
  const unsigned server_port = ntohs(peer_address(fd).sin_port);
  const unsigned client_port = ntohs(local_address(fd).sin_port);
  std::ifstream table("/proc/net/tcp");
  std::string line;
  std::getline(table, line);  // the header
  while (std::getline(table, line)) {
    // "   3: 0100007F:A3C5 0100007F:8B3E 01 00000000:0003E800 ..." (addresses and queues in hex)
    unsigned local_port = 0;
    unsigned remote_port = 0;
    unsigned long unread = 0;
    if (std::sscanf(line.c_str(), " %*d: %*x:%x %*x:%x %*x %*x:%lx", &local_port, &remote_port,
                    &unread) == 3 &&
        local_port == server_port && remote_port == client_port) {
      return unread;
    }
  }
  return 0;  // no such socket any more: the server has closed it, and nothing is left unread
}

std::size_t wait_until_server_reads_all_or_stops(int fd, milliseconds quiet_period,
                                                 Deadline deadline) {
  std::size_t in_flight = unacknowledged_bytes(fd);
  std::size_t unread = unread_by_server(fd);
  auto last_change = std::chrono::steady_clock::now();
  wait_until(
      [&] {
        std::size_t now_in_flight = unacknowledged_bytes(fd);
        std::size_t now_unread = unread_by_server(fd);
        if (now_in_flight != in_flight || now_unread != unread) {
          in_flight = now_in_flight;
          unread = now_unread;
          last_change = std::chrono::steady_clock::now();
        }
        return (in_flight == 0 && unread == 0) ||
               std::chrono::steady_clock::now() - last_change >= quiet_period;
      },
      deadline);
  return unread;
}

std::string random_bytes(std::size_t count, std::uint32_t seed) {
  std::mt19937 generator(seed);
  std::string bytes(count, '\0');
  for (std::size_t i = 0; i < count; i += sizeof(std::uint32_t)) {
    std::uint32_t word = generator();
    std::memcpy(bytes.data() + i, &word, std::min(sizeof word, count - i));
  }
  return bytes;
}

std::string first_difference(std::string_view expected, std::string_view actual) {
  auto [at_expected, at_actual] =
      std::mismatch(expected.begin(), expected.end(), actual.begin(), actual.end());
  if (at_expected == expected.end() && at_actual == actual.end()) return "";
  auto offset = static_cast<std::size_t>(at_expected - expected.begin());
  char detail[96];
  if (at_expected == expected.end() || at_actual == actual.end()) {
    std::snprintf(detail, sizeof detail, "one ends at byte %zu", offset);
  } else {
    std::snprintf(detail, sizeof detail,
                  "first difference at byte %zu: expected 0x%02x, got 0x%02x", offset,
                  static_cast<unsigned char>(*at_expected), static_cast<unsigned char>(*at_actual));
  }
  return std::string(detail) + " (expected " + std::to_string(expected.size()) + " bytes, got " +
         std::to_string(actual.size()) + ")";
}

}  // namespace socklab::test
