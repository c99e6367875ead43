// Buffer keeps bytes in order through appends, consumes, growth and compaction, and turns each
// readv/send outcome on a socket into the matching IoResult.
#include "net/buffer.hpp"

#include <gtest/gtest.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "net/errno_text.hpp"
#include "net/fd.hpp"
#include "net/socket.hpp"
#include "tests/unit/socket_pair.hpp"

namespace socklab {
namespace {

// Distinct bytes, so a byte out of place or repeated shows up in a comparison.
std::string pattern(std::size_t size, std::size_t seed = 0) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 7 + seed) % 251);
  return bytes;
}

TEST(Buffer, StartsEmptyWithoutHoldingMemory) {
  Buffer buffer;
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.readable_bytes(), 0u);
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(Buffer, MakesAppendedBytesReadableInOrder) {
  Buffer buffer;
  buffer.append("hello, ");
  buffer.append("world");
  EXPECT_EQ(buffer.readable(), "hello, world");
  EXPECT_EQ(buffer.readable_bytes(), 12u);
  EXPECT_FALSE(buffer.empty());
}

TEST(Buffer, ConsumeRemovesBytesFromTheFront) {
  Buffer buffer;
  buffer.append("abcdef");
  buffer.consume(2);
  EXPECT_EQ(buffer.readable(), "cdef");
}

TEST(Buffer, ConsumeOfMoreThanIsReadableEmptiesTheBuffer) {
  Buffer buffer;
  buffer.append("abc");
  buffer.consume(100);
  EXPECT_TRUE(buffer.empty());
  buffer.append("xyz");
  EXPECT_EQ(buffer.readable(), "xyz");
}

TEST(Buffer, ClearEmptiesTheBuffer) {
  Buffer buffer;
  buffer.append("abc");
  buffer.clear();
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(buffer.readable(), "");
}

TEST(Buffer, KeepsContentIntactThroughGrowthAndCompaction) {
  // Uneven appends and consumes force both the slide-to-front and the resize paths.
  Buffer buffer;
  std::string expected;
  for (std::size_t round = 0; round < 200; ++round) {
    std::string chunk = pattern(round * 37 % 1500 + 1, round);
    buffer.append(chunk);
    expected += chunk;
    std::size_t count = round * 53 % (expected.size() + 1);
    buffer.consume(count);
    expected.erase(0, count);
    ASSERT_EQ(buffer.readable(), expected) << "after round " << round;
  }
}

TEST(Buffer, ReusesConsumedSpaceInsteadOfGrowing) {
  Buffer buffer;
  buffer.append(pattern(100));
  std::size_t capacity = buffer.capacity();
  buffer.consume(60);
  buffer.append(pattern(50, 1));  // fits only once the 60 consumed bytes are reclaimed
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_EQ(buffer.readable(), pattern(100).substr(60) + pattern(50, 1));
}

TEST(Buffer, KeepsTheMemoryOfASmallBufferWhenEmptied) {
  Buffer buffer;
  buffer.append(pattern(1000));
  std::size_t capacity = buffer.capacity();
  buffer.consume(1000);
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(Buffer, KeepsTheMemoryOfALargeBufferWhileEachMessageNeedsIt) {
  // Memory given back is faulted in again page by page for the next message (about 130 page
  // faults for 512 KiB), so a connection carrying large messages one after another keeps it.
  Buffer buffer;
  buffer.append(pattern(2 * Buffer::kKeepCapacity));
  buffer.clear();
  std::size_t capacity = buffer.capacity();
  ASSERT_GT(capacity, Buffer::kKeepCapacity);
  buffer.append(pattern(2 * Buffer::kKeepCapacity, 1));
  EXPECT_EQ(buffer.capacity(), capacity) << "the second message grew the buffer again";
  buffer.clear();
  EXPECT_EQ(buffer.capacity(), capacity);
}

TEST(Buffer, GivesBackTheMemoryOfALargeBufferOnceAFillNoLongerNeedsIt) {
  // The burst is over when the buffer fills and empties without needing its large memory.
  Buffer buffer;
  buffer.append(pattern(Buffer::kKeepCapacity + 1));
  ASSERT_GT(buffer.capacity(), Buffer::kKeepCapacity);
  buffer.consume(Buffer::kKeepCapacity);
  EXPECT_GT(buffer.capacity(), Buffer::kKeepCapacity) << "one byte is still readable";
  buffer.consume(1);
  buffer.append("PING\r\n");
  buffer.consume(6);
  EXPECT_EQ(buffer.capacity(), 0u);
}

TEST(Buffer, ReadFromTakesWhatThePeerSent) {
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "ping"), 4u);
  Buffer buffer;
  IoResult result = buffer.read_from(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::transferred);
  EXPECT_EQ(result.bytes, 4u);
  EXPECT_EQ(buffer.readable(), "ping");
}

TEST(Buffer, ReadFromAppendsAfterContentAlreadyThere) {
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "world"), 5u);
  Buffer buffer;
  buffer.append("hello ");
  ASSERT_EQ(buffer.read_from(pair.ours.get()).status, IoStatus::transferred);
  EXPECT_EQ(buffer.readable(), "hello world");
}

TEST(Buffer, ReadFromKeepsContentWhenTheReadSpillsPastTheFreeSpace) {
  // 101 bytes of content in 200 bytes of storage: 99 bytes land in the free space, the rest in
  // the stack area, and both must end up behind the existing content in order.
  Buffer buffer;
  buffer.append(pattern(100));
  buffer.append("!");
  ASSERT_GT(buffer.capacity() - buffer.readable_bytes(), 0u);
  ASSERT_LT(buffer.capacity() - buffer.readable_bytes(), 1000u);
  SocketPair pair = make_socket_pair();
  std::string sent = pattern(1000, 3);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), sent), sent.size());
  IoResult result = buffer.read_from(pair.ours.get());
  EXPECT_EQ(result.bytes, sent.size());
  EXPECT_EQ(buffer.readable(), pattern(100) + "!" + sent);
}

TEST(Buffer, ReadFromTakesItsFreeSpacePlusTheStackAreaInOneCall) {
  // One readv() fills the buffer's free space and the 64 KiB stack area: an empty buffer takes
  // exactly 64 KiB of the 200 KiB queued, and the rest comes in the next calls, in order.
  constexpr std::size_t kQueued = 200 * 1024;
  SocketPair pair = make_socket_pair();
  // A Unix stream socket charges queued bytes to the sender's send buffer; make room for them.
  set_buffer_size(pair.peer.get(), SO_SNDBUF, 1024 * 1024);
  std::string sent = pattern(kQueued);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), sent), kQueued);
  ASSERT_EQ(queued_bytes(pair.ours.get()), kQueued);

  Buffer buffer;
  IoResult first = buffer.read_from(pair.ours.get());
  EXPECT_EQ(first.status, IoStatus::transferred);
  EXPECT_EQ(first.bytes, Buffer::kStackReadSize);
  int calls = 1;
  while (buffer.readable_bytes() < kQueued && calls < 10) {
    ASSERT_EQ(buffer.read_from(pair.ours.get()).status, IoStatus::transferred);
    ++calls;
  }
  EXPECT_LE(calls, 4) << "each call after the first also has the grown buffer's free space";
  EXPECT_EQ(buffer.readable(), sent);
}

TEST(Buffer, ReadFromDoesNotGrowABufferThatHasPlentyOfFreeSpace) {
  // A large buffer is kept while messages need it. If every read also took the stack area on
  // top of the free space, a flood would make each read fill, and grow, what the last one grew.
  Buffer buffer;
  buffer.append(pattern(2 * Buffer::kKeepCapacity));
  buffer.clear();
  const std::size_t capacity = buffer.capacity();
  ASSERT_GT(capacity, Buffer::kKeepCapacity);
  SocketPair pair = make_socket_pair();
  set_buffer_size(pair.peer.get(), SO_SNDBUF, 4 * 1024 * 1024);
  const std::string flood = pattern(capacity + Buffer::kStackReadSize);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), flood), flood.size());
  IoResult result = buffer.read_from(pair.ours.get());
  ASSERT_EQ(result.status, IoStatus::transferred);
  EXPECT_EQ(result.bytes, capacity) << "one read takes the free space and no more";
  EXPECT_EQ(buffer.capacity(), capacity);
  EXPECT_TRUE(buffer.readable() == std::string_view(flood).substr(0, capacity));
}

TEST(Buffer, ReadFromReportsWouldBlockOnAnEmptyNonBlockingSocket) {
  SocketPair pair = make_socket_pair();
  Buffer buffer;
  IoResult result = buffer.read_from(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::would_block);
  EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, ReadFromReportsEndOfStreamAfterThePeerShutsDownItsSide) {
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(::shutdown(pair.peer.get(), SHUT_WR), 0) << errno_text(errno);
  Buffer buffer;
  EXPECT_EQ(buffer.read_from(pair.ours.get()).status, IoStatus::end_of_stream);
  EXPECT_TRUE(buffer.empty());
}

TEST(Buffer, ReadFromDeliversQueuedBytesBeforeTheEndOfStream) {
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "last words"), 10u);
  ASSERT_EQ(::shutdown(pair.peer.get(), SHUT_WR), 0) << errno_text(errno);
  Buffer buffer;
  IoResult first = buffer.read_from(pair.ours.get());
  EXPECT_EQ(first.status, IoStatus::transferred);
  EXPECT_EQ(buffer.readable(), "last words");
  EXPECT_EQ(buffer.read_from(pair.ours.get()).status, IoStatus::end_of_stream);
}

TEST(Buffer, ReadFromReportsFailedWithTheErrnoWhenThePeerResets) {
  // Closing a Unix stream socket with unread input resets its peer, as TCP sends RST.
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(send_without_blocking(pair.ours.get(), "unread"), 6u);
  pair.peer.reset();
  Buffer buffer;
  IoResult result = buffer.read_from(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::failed);
  EXPECT_EQ(result.error_number, ECONNRESET) << errno_text(result.error_number);
}

TEST(Buffer, WriteToSendsAndConsumesTheReadableBytes) {
  SocketPair pair = make_socket_pair();
  Buffer buffer;
  buffer.append("hello");
  IoResult result = buffer.write_to(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::transferred);
  EXPECT_EQ(result.bytes, 5u);
  EXPECT_TRUE(buffer.empty());
  EXPECT_EQ(receive_queued(pair.peer.get()), "hello");
}

TEST(Buffer, WriteToOfAnEmptyBufferSendsNothing) {
  SocketPair pair = make_socket_pair();
  Buffer buffer;
  IoResult result = buffer.write_to(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::transferred);
  EXPECT_EQ(result.bytes, 0u);
  EXPECT_EQ(queued_bytes(pair.peer.get()), 0u);
}

TEST(Buffer, WriteToKeepsWhatTheKernelDidNotTake) {
  SocketPair pair = make_socket_pair();
  set_buffer_size(pair.ours.get(), SO_SNDBUF, 16 * 1024);
  std::string content = pattern(1024 * 1024);
  Buffer buffer;
  buffer.append(content);
  IoResult result = buffer.write_to(pair.ours.get());
  ASSERT_EQ(result.status, IoStatus::transferred);
  ASSERT_LT(result.bytes, content.size()) << "the peer's queue took everything";
  EXPECT_EQ(buffer.readable(), std::string_view(content).substr(result.bytes));
  EXPECT_EQ(receive_queued(pair.peer.get()), content.substr(0, result.bytes));
}

TEST(Buffer, WriteToReportsWouldBlockWhenThePeersQueueIsFull) {
  SocketPair pair = make_socket_pair();
  set_buffer_size(pair.ours.get(), SO_SNDBUF, 16 * 1024);
  Buffer buffer;
  buffer.append(pattern(1024 * 1024));
  ASSERT_EQ(buffer.write_to(pair.ours.get()).status, IoStatus::transferred);
  std::size_t left = buffer.readable_bytes();
  ASSERT_GT(left, 0u);
  IoResult result = buffer.write_to(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::would_block);
  EXPECT_EQ(buffer.readable_bytes(), left);
}

TEST(Buffer, WriteToReportsEpipeInsteadOfDyingAfterThePeerClosed) {
  // Without MSG_NOSIGNAL this send raises SIGPIPE, whose default action kills the test program.
  SocketPair pair = make_socket_pair();
  pair.peer.reset();
  Buffer buffer;
  buffer.append("anyone there?");
  IoResult result = buffer.write_to(pair.ours.get());
  EXPECT_EQ(result.status, IoStatus::failed);
  EXPECT_EQ(result.error_number, EPIPE) << errno_text(result.error_number);
  EXPECT_EQ(buffer.readable(), "anyone there?");
}

}  // namespace
}  // namespace socklab
