// The socket toolkit (errno text, addresses, listen/connect, per-call I/O outcomes, socket
// options, the Acceptor and the Connection) reports every kernel outcome as the lesson states it.
#include <arpa/inet.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <functional>
#include <limits>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "tests/unit/socket_pair.hpp"
#include "net/acceptor.hpp"
#include "net/connection.hpp"
#include "net/errno_text.hpp"
#include "net/fd.hpp"
#include "net/socket.hpp"

namespace socklab {
namespace {

using namespace std::chrono_literals;

// How long a test waits for an event on loopback before calling it lost. Events arrive in
// microseconds; the margin is for loaded CI machines and sanitizer builds.
constexpr int kEventTimeoutMs = 5000;


struct TcpPair {
  Fd listener;
  Fd client;
  Fd server;  // the client's connection as accepted by the listener
};

// A loopback TCP connection with blocking sockets whose reads give up after 5 s, so a test
// that fails reports it instead of hanging.
TcpPair make_tcp_pair() {
  TcpPair pair;
  pair.listener = listen_tcp("127.0.0.1", 0, false);
  pair.client = connect_tcp("127.0.0.1", ntohs(local_address(pair.listener.get()).sin_port));
  pair.server = Fd(::accept4(pair.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!pair.server) throw_errno("accept4", errno);
  set_io_timeouts(pair.client.get(), 5s);
  set_io_timeouts(pair.server.get(), 5s);
  return pair;
}

std::uint16_t port_of(int fd) { return ntohs(local_address(fd).sin_port); }

bool wait_readable(int fd) {
  pollfd request{fd, POLLIN, 0};
  int ready;
  do {
    ready = ::poll(&request, 1, kEventTimeoutMs);
  } while (ready < 0 && errno == EINTR);
  return ready == 1;
}

int int_option(int fd, int level, int name) {
  int value = -1;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, name, &value, &length) != 0) throw_errno("getsockopt", errno);
  return value;
}

std::string pattern(std::size_t size) {
  std::string bytes(size, '\0');
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>(i * 7 % 251);
  return bytes;
}

// How the next read on a connection the other side should have closed turns out.
std::string how_the_next_read_ends(int fd) {
  char byte;
  IoResult result = receive_some(fd, &byte, 1);
  switch (result.status) {
    case IoStatus::end_of_stream:
      return "FIN";
    case IoStatus::failed:
      return errno_name(result.error_number);
    case IoStatus::would_block:
      return "nothing (the read timed out: the connection is still open)";
    case IoStatus::transferred:
      return "a byte of data";
  }
  return "?";
}

bool closed_by_peer(const std::string& read_ending) {
  // A close may arrive as FIN or, if the kernel had unread data, as RST: both are valid.
  return read_ending == "FIN" || read_ending == "ECONNRESET";
}

// Runs `body` in a forked child, so what it does to the process (a lowered descriptor limit)
// cannot leak into other tests. Returns why the child failed, or "" when it passed.
std::string run_in_child(const std::function<std::string()>& body) {
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0) throw_errno("pipe2", errno);
  Fd read_end(ends[0]);
  Fd write_end(ends[1]);
  pid_t child = ::fork();
  if (child < 0) throw_errno("fork", errno);
  if (child == 0) {
    read_end.reset();
    std::string failure;
    try {
      failure = body();
    } catch (const std::exception& error) {
      failure = std::string("threw: ") + error.what();
    }
    // If this write fails the exit status still reports the failure, without its message.
    [[maybe_unused]] ssize_t written = ::write(write_end.get(), failure.data(), failure.size());
    ::_exit(failure.empty() ? 0 : 1);  // not exit(): the child must not run the parent's atexit
  }
  write_end.reset();
  std::string message;
  char chunk[512];
  ssize_t n;
  while ((n = ::read(read_end.get(), chunk, sizeof chunk)) != 0) {
    if (n > 0) {
      message.append(chunk, static_cast<std::size_t>(n));
    } else if (errno != EINTR) {
      throw_errno("read", errno);
    }
  }
  int status = 0;
  while (::waitpid(child, &status, 0) < 0) {
    if (errno != EINTR) throw_errno("waitpid", errno);
  }
  if (WIFSIGNALED(status)) return "child killed by signal " + std::to_string(WTERMSIG(status));
  if (WEXITSTATUS(status) != 0 && message.empty()) return "child failed without a message";
  return message;
}

// Every descriptor the process may still open, held so that the next accept() fails with EMFILE.
struct DescriptorExhaustion {
  rlimit original_limit{};
  std::vector<Fd> fillers;

  void end() {
    fillers.clear();
    if (::setrlimit(RLIMIT_NOFILE, &original_limit) != 0) throw_errno("setrlimit", errno);
  }
};

// Lowers the soft descriptor limit to just above the highest descriptor open now and fills
// every free slot below it.
DescriptorExhaustion exhaust_descriptors() {
  int highest = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
    highest = std::max(highest, std::stoi(entry.path().filename().string()));
  }
  DescriptorExhaustion exhaustion;
  if (::getrlimit(RLIMIT_NOFILE, &exhaustion.original_limit) != 0) throw_errno("getrlimit", errno);
  rlimit lowered = exhaustion.original_limit;
  lowered.rlim_cur = static_cast<rlim_t>(highest) + 1;
  if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) throw_errno("setrlimit", errno);
  exhaustion.fillers.reserve(static_cast<std::size_t>(highest) + 1);
  for (;;) {
    int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno != EMFILE) throw_errno("open /dev/null", errno);
      return exhaustion;
    }
    exhaustion.fillers.emplace_back(fd);
  }
}

const char* status_name(AcceptStatus status) {
  switch (status) {
    case AcceptStatus::accepted:
      return "accepted";
    case AcceptStatus::queue_empty:
      return "queue_empty";
    case AcceptStatus::retry:
      return "retry";
    case AcceptStatus::out_of_fds:
      return "out_of_fds";
    case AcceptStatus::listener_closed:
      return "listener_closed";
  }
  return "?";
}

// ---- errno text ----

TEST(ErrnoText, NamesAnErrnoBySymbol) {
  EXPECT_EQ(errno_name(ECONNRESET), "ECONNRESET");
  EXPECT_EQ(errno_name(EPIPE), "EPIPE");
}

TEST(ErrnoText, NamesAnUnknownErrnoByNumber) { EXPECT_EQ(errno_name(12345), "errno 12345"); }

TEST(ErrnoText, GivesTheSymbolAndTheMessage) {
  EXPECT_EQ(errno_text(ECONNRESET), "ECONNRESET (Connection reset by peer)");
}

TEST(ErrnoText, ThrowErrnoThrowsASystemErrorNamingTheAttempt) {
  try {
    throw_errno("bind 127.0.0.1:80", EACCES);
    FAIL() << "throw_errno returned";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), EACCES);
    EXPECT_NE(std::string(error.what()).find("bind 127.0.0.1:80"), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("EACCES"), std::string::npos) << error.what();
  }
}

// ---- addresses ----

TEST(Addresses, ParsesADottedQuadAndAPort) {
  sockaddr_in address = ipv4_address("10.1.2.3", 8080);
  EXPECT_EQ(address.sin_family, AF_INET);
  EXPECT_EQ(address.sin_port, htons(8080));
  EXPECT_EQ(address.sin_addr.s_addr, htonl(0x0A010203));
}

TEST(Addresses, ResolvesLocalhostToTheLoopbackAddress) {
  EXPECT_EQ(ipv4_address("localhost", 1).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

TEST(Addresses, RejectsGarbageWithInvalidArgument) {
  // Spaces and '!' make no valid host name, so the resolver refuses without asking DNS.
  EXPECT_THROW(ipv4_address("not an address!", 80), std::invalid_argument);
}

TEST(Addresses, FormatsAnAddressAsHostColonPort) {
  EXPECT_EQ(address_text(ipv4_address("10.1.2.3", 8080)), "10.1.2.3:8080");
}

// ---- listen and connect ----

TEST(ListenConnect, ListeningOnPortZeroGetsAPortFromTheKernel) {
  Fd listener = listen_tcp("127.0.0.1", 0, false);
  EXPECT_NE(port_of(listener.get()), 0);
  EXPECT_EQ(local_address(listener.get()).sin_addr.s_addr, htonl(INADDR_LOOPBACK));
}

TEST(ListenConnect, ConnectReachesTheListener) {
  TcpPair pair = make_tcp_pair();
  EXPECT_EQ(peer_address(pair.client.get()).sin_port, local_address(pair.listener.get()).sin_port);
  EXPECT_EQ(address_text(peer_address(pair.server.get())),
            address_text(local_address(pair.client.get())));
}

TEST(ListenConnect, ListeningOnAPortInUseThrowsNamingTheAddress) {
  Fd listener = listen_tcp("127.0.0.1", 0, false);
  std::uint16_t port = port_of(listener.get());
  try {
    listen_tcp("127.0.0.1", port, false);
    FAIL() << "a second listener bound the same port";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), EADDRINUSE) << error.what();
    EXPECT_NE(std::string(error.what()).find("127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << error.what();
  }
}

TEST(ListenConnect, ConnectingToAClosedPortThrowsConnectionRefused) {
  std::uint16_t port = port_of(listen_tcp("127.0.0.1", 0, false).get());  // closed at once
  try {
    connect_tcp("127.0.0.1", port);
    FAIL() << "connected to a port nobody listens on";
  } catch (const std::system_error& error) {
    EXPECT_EQ(error.code().value(), ECONNREFUSED) << error.what();
  }
}

// ---- send_some and receive_some ----

TEST(SendReceive, ReceiveGetsTheBytesSent) {
  SocketPair pair = make_socket_pair();
  IoResult sent = send_some(pair.peer.get(), "hello", 5);
  EXPECT_EQ(sent.status, IoStatus::transferred);
  EXPECT_EQ(sent.bytes, 5u);
  char data[16];
  IoResult received = receive_some(pair.ours.get(), data, sizeof data);
  ASSERT_EQ(received.status, IoStatus::transferred);
  EXPECT_EQ(std::string(data, received.bytes), "hello");
}

TEST(SendReceive, ReceiveReportsWouldBlockWhenNothingIsQueued) {
  SocketPair pair = make_socket_pair();
  char data[16];
  EXPECT_EQ(receive_some(pair.ours.get(), data, sizeof data).status, IoStatus::would_block);
}

TEST(SendReceive, ReceiveReportsEndOfStreamAfterThePeerShutsDownItsSide) {
  SocketPair pair = make_socket_pair();
  ASSERT_EQ(::shutdown(pair.peer.get(), SHUT_WR), 0) << errno_text(errno);
  char data[16];
  EXPECT_EQ(receive_some(pair.ours.get(), data, sizeof data).status, IoStatus::end_of_stream);
}

TEST(SendReceive, SendReportsWouldBlockWhenThePeersQueueIsFull) {
  SocketPair pair = make_socket_pair();
  std::string chunk = pattern(64 * 1024);
  IoResult result;
  for (int round = 0; round < 1000; ++round) {
    result = send_some(pair.ours.get(), chunk.data(), chunk.size());
    if (result.status != IoStatus::transferred) break;
  }
  EXPECT_EQ(result.status, IoStatus::would_block);
}

TEST(SendReceive, SendReportsEpipeInsteadOfDyingAfterThePeerClosed) {
  SocketPair pair = make_socket_pair();
  pair.peer.reset();
  IoResult result = send_some(pair.ours.get(), "x", 1);
  EXPECT_EQ(result.status, IoStatus::failed);
  EXPECT_EQ(result.error_number, EPIPE) << errno_text(result.error_number);
}

// ---- socket options ----

TEST(SocketOptions, CloseWithZeroLingerResetsTheConnection) {
  TcpPair pair = make_tcp_pair();
  set_linger(pair.server.get(), true, 0);
  pair.server.reset();
  EXPECT_EQ(how_the_next_read_ends(pair.client.get()), "ECONNRESET");
}

TEST(SocketOptions, CloseWithoutLingerEndsTheStreamWithFin) {
  TcpPair pair = make_tcp_pair();
  pair.server.reset();
  EXPECT_EQ(how_the_next_read_ends(pair.client.get()), "FIN");
}

TEST(SocketOptions, SetNonblockingSetsONonblock) {
  TcpPair pair = make_tcp_pair();
  ASSERT_EQ(::fcntl(pair.client.get(), F_GETFL) & O_NONBLOCK, 0);
  set_nonblocking(pair.client.get());
  EXPECT_NE(::fcntl(pair.client.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(SocketOptions, SetNodelayTurnsOffNagle) {
  TcpPair pair = make_tcp_pair();
  ASSERT_EQ(int_option(pair.client.get(), IPPROTO_TCP, TCP_NODELAY), 0);
  set_nodelay(pair.client.get());
  EXPECT_NE(int_option(pair.client.get(), IPPROTO_TCP, TCP_NODELAY), 0);
}

TEST(SocketOptions, SetKeepaliveAppliesAllThreeSettings) {
  TcpPair pair = make_tcp_pair();
  set_keepalive(pair.client.get(), {7, 2, 4});
  EXPECT_NE(int_option(pair.client.get(), SOL_SOCKET, SO_KEEPALIVE), 0);
  EXPECT_EQ(int_option(pair.client.get(), IPPROTO_TCP, TCP_KEEPIDLE), 7);
  EXPECT_EQ(int_option(pair.client.get(), IPPROTO_TCP, TCP_KEEPINTVL), 2);
  EXPECT_EQ(int_option(pair.client.get(), IPPROTO_TCP, TCP_KEEPCNT), 4);
}

TEST(SocketOptions, IoTimeoutsMakeABlockingReceiveGiveUpWithWouldBlock) {
  TcpPair pair = make_tcp_pair();
  set_io_timeouts(pair.client.get(), 20ms);
  char byte;
  EXPECT_EQ(receive_some(pair.client.get(), &byte, 1).status, IoStatus::would_block);
}

TEST(SocketOptions, IoTimeoutsSetBothDirections) {
  TcpPair pair = make_tcp_pair();
  set_io_timeouts(pair.client.get(), 1500ms);
  for (int option : {SO_RCVTIMEO, SO_SNDTIMEO}) {
    timeval value{};
    socklen_t length = sizeof value;
    ASSERT_EQ(::getsockopt(pair.client.get(), SOL_SOCKET, option, &value, &length), 0);
    EXPECT_EQ(value.tv_sec, 1);
    EXPECT_EQ(value.tv_usec, 500000);
  }
}

TEST(SocketOptions, RaiseOpenFileLimitRaisesTheSoftLimitToTheHardLimit) {
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  if (limit.rlim_max <= 64) GTEST_SKIP() << "the hard limit leaves no room to raise";
  std::string failure = run_in_child([] {
    rlimit lowered{};
    if (::getrlimit(RLIMIT_NOFILE, &lowered) != 0) return std::string("getrlimit failed");
    lowered.rlim_cur = 64;
    if (::setrlimit(RLIMIT_NOFILE, &lowered) != 0) return std::string("setrlimit failed");
    raise_open_file_limit();
    rlimit raised{};
    if (::getrlimit(RLIMIT_NOFILE, &raised) != 0) return std::string("getrlimit failed");
    if (raised.rlim_cur != raised.rlim_max) {
      return "soft limit " + std::to_string(raised.rlim_cur) + ", hard limit " +
             std::to_string(raised.rlim_max);
    }
    return std::string();
  });
  EXPECT_EQ(failure, "");
}

// ---- Acceptor ----

TEST(Acceptor, ReportsQueueEmptyOnAnIdleNonBlockingListener) {
  Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
  AcceptOutcome outcome = acceptor.accept_one();
  EXPECT_EQ(outcome.status, AcceptStatus::queue_empty) << status_name(outcome.status);
  EXPECT_FALSE(outcome.connection.valid());
}

TEST(Acceptor, AcceptsAPendingConnection) {
  Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
  Fd client = connect_tcp("127.0.0.1", port_of(acceptor.fd()));
  ASSERT_TRUE(wait_readable(acceptor.fd()));
  AcceptOutcome outcome = acceptor.accept_one();
  ASSERT_EQ(outcome.status, AcceptStatus::accepted) << status_name(outcome.status);
  ASSERT_TRUE(outcome.connection.valid());
  EXPECT_EQ(address_text(peer_address(outcome.connection.get())),
            address_text(local_address(client.get())));
}

TEST(Acceptor, MakesAcceptedSocketsNonBlockingWhenAsked) {
  Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
  Fd client = connect_tcp("127.0.0.1", port_of(acceptor.fd()));
  ASSERT_TRUE(wait_readable(acceptor.fd()));
  AcceptOutcome outcome = acceptor.accept_one();
  ASSERT_EQ(outcome.status, AcceptStatus::accepted) << status_name(outcome.status);
  EXPECT_NE(::fcntl(outcome.connection.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(Acceptor, LeavesAcceptedSocketsBlockingOtherwise) {
  Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), false);
  Fd client = connect_tcp("127.0.0.1", port_of(acceptor.fd()));
  ASSERT_TRUE(wait_readable(acceptor.fd()));
  AcceptOutcome outcome = acceptor.accept_one();
  ASSERT_EQ(outcome.status, AcceptStatus::accepted) << status_name(outcome.status);
  EXPECT_EQ(::fcntl(outcome.connection.get(), F_GETFL) & O_NONBLOCK, 0);
}

TEST(Acceptor, ReportsListenerClosedAfterTheListenerIsShutDown) {
  // This is how the blocking server wakes its accept() to stop.
  Acceptor acceptor(listen_tcp("127.0.0.1", 0, false), false);
  ASSERT_EQ(::shutdown(acceptor.fd(), SHUT_RDWR), 0) << errno_text(errno);
  AcceptOutcome outcome = acceptor.accept_one();
  EXPECT_EQ(outcome.status, AcceptStatus::listener_closed) << status_name(outcome.status);
  EXPECT_EQ(outcome.error_number, EINVAL) << errno_text(outcome.error_number);
}

// Out of descriptors, one pending connection must be taken and closed: left in the queue it
// keeps a level-triggered listener readable forever and its client waits for nothing.
std::string accept_while_out_of_descriptors(Acceptor& acceptor, int client) {
  if (!wait_readable(acceptor.fd())) return "the connection never reached the accept queue";
  AcceptOutcome outcome = acceptor.accept_one();
  if (outcome.status != AcceptStatus::out_of_fds) {
    return std::string("accept_one returned ") + status_name(outcome.status);
  }
  if (outcome.error_number != EMFILE) return "error " + errno_name(outcome.error_number);
  std::string ending = how_the_next_read_ends(client);
  if (!closed_by_peer(ending)) return "the client's read returned " + ending;
  return "";
}

Fd connect_client_with_timeout(const Acceptor& acceptor) {
  Fd client = connect_tcp("127.0.0.1", port_of(acceptor.fd()));
  set_io_timeouts(client.get(), 2s);
  return client;
}

TEST(Acceptor, ClosesThePendingConnectionWhenOutOfDescriptors) {
  EXPECT_EQ(run_in_child([] {
              Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
              Fd client = connect_client_with_timeout(acceptor);
              DescriptorExhaustion exhaustion = exhaust_descriptors();
              return accept_while_out_of_descriptors(acceptor, client.get());
            }),
            "");
}

TEST(Acceptor, KeepsItsReserveDescriptorForTheNextExhaustion) {
  EXPECT_EQ(run_in_child([] {
              Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
              Fd first = connect_client_with_timeout(acceptor);
              Fd second = connect_client_with_timeout(acceptor);
              DescriptorExhaustion exhaustion = exhaust_descriptors();
              std::string failure = accept_while_out_of_descriptors(acceptor, first.get());
              if (!failure.empty()) return "first client: " + failure;
              failure = accept_while_out_of_descriptors(acceptor, second.get());
              if (!failure.empty()) return "second client: " + failure;
              return std::string();
            }),
            "");
}

TEST(Acceptor, AcceptsAgainOnceDescriptorsAreFreed) {
  EXPECT_EQ(run_in_child([] {
              Acceptor acceptor(listen_tcp("127.0.0.1", 0, true), true);
              Fd doomed = connect_client_with_timeout(acceptor);
              DescriptorExhaustion exhaustion = exhaust_descriptors();
              std::string failure = accept_while_out_of_descriptors(acceptor, doomed.get());
              if (!failure.empty()) return failure;
              exhaustion.end();
              Fd client = connect_client_with_timeout(acceptor);
              if (!wait_readable(acceptor.fd())) return std::string("no second connection");
              AcceptOutcome outcome = acceptor.accept_one();
              if (outcome.status != AcceptStatus::accepted) {
                return std::string("accept_one returned ") + status_name(outcome.status);
              }
              return std::string();
            }),
            "");
}

// ---- Connection and serve_level_triggered ----

constexpr std::size_t kNoHighWater = std::numeric_limits<std::size_t>::max();

TEST(Connection, EchoesARequestInOneServeCall) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::echo);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "hello"), 5u);
  ServeOutcome outcome = serve_level_triggered(connection, true, kNoHighWater);
  EXPECT_TRUE(outcome.stays_open);
  EXPECT_EQ(receive_queued(pair.peer.get()), "hello");
  EXPECT_FALSE(connection.has_pending_output());
}

TEST(Connection, AnswersWithTheCodecOfItsProtocol) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::resp);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "PING\r\n"), 6u);
  EXPECT_TRUE(serve_level_triggered(connection, true, kNoHighWater).stays_open);
  EXPECT_EQ(receive_queued(pair.peer.get()), "+PONG\r\n");
}

TEST(Connection, EchoesEverythingBeforeClosingAfterHalfClose) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::echo);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "last words"), 10u);
  ASSERT_EQ(::shutdown(pair.peer.get(), SHUT_WR), 0) << errno_text(errno);
  ServeOutcome outcome;
  for (int round = 0; round < 10 && outcome.stays_open; ++round) {
    outcome = serve_level_triggered(connection, true, kNoHighWater);
  }
  EXPECT_FALSE(outcome.stays_open);
  EXPECT_EQ(outcome.error_number, 0) << errno_text(outcome.error_number);
  EXPECT_TRUE(connection.peer_half_closed());
  EXPECT_TRUE(connection.finished());
  EXPECT_EQ(receive_queued(pair.peer.get()), "last words");
}

TEST(Connection, StaysOpenAfterHalfCloseUntilPendingOutputIsSent) {
  SocketPair pair = make_socket_pair();
  set_buffer_size(pair.ours.get(), SO_SNDBUF, 16 * 1024);  // our echo backs up quickly
  set_buffer_size(pair.peer.get(), SO_SNDBUF, 1024 * 1024);
  Connection connection(std::move(pair.ours), Protocol::echo);
  const std::string request = pattern(256 * 1024);
  // The peer sends everything and reads nothing, so the echo waits in the connection.
  std::size_t sent = 0;
  for (int round = 0; round < 1000 && sent < request.size(); ++round) {
    sent += send_without_blocking(pair.peer.get(), std::string_view(request).substr(sent));
    ASSERT_TRUE(serve_level_triggered(connection, true, kNoHighWater).stays_open);
  }
  ASSERT_EQ(sent, request.size());
  ASSERT_EQ(::shutdown(pair.peer.get(), SHUT_WR), 0) << errno_text(errno);
  for (int round = 0; round < 100 && !connection.peer_half_closed(); ++round) {
    ASSERT_TRUE(serve_level_triggered(connection, true, kNoHighWater).stays_open);
  }
  ASSERT_TRUE(connection.peer_half_closed());
  ASSERT_TRUE(connection.has_pending_output()) << "the echo never backed up";
  EXPECT_FALSE(connection.finished());

  // Now the peer reads; each writability report lets the connection send more.
  std::string echoed;
  ServeOutcome outcome;
  for (int round = 0; round < 10000 && outcome.stays_open; ++round) {
    echoed += receive_queued(pair.peer.get());
    outcome = serve_level_triggered(connection, false, kNoHighWater);
  }
  echoed += receive_queued(pair.peer.get());
  EXPECT_FALSE(outcome.stays_open);
  EXPECT_EQ(outcome.error_number, 0) << errno_text(outcome.error_number);
  EXPECT_TRUE(echoed == request) << "echoed " << echoed.size() << " of " << request.size()
                                 << " bytes, or out of order";
}

TEST(Connection, ClosesAfterQuitOnceTheOkIsSent) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::resp);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "PING\r\nQUIT\r\nPING\r\n"), 18u);
  ServeOutcome outcome = serve_level_triggered(connection, true, kNoHighWater);
  EXPECT_FALSE(outcome.stays_open);
  EXPECT_EQ(outcome.error_number, 0) << errno_text(outcome.error_number);
  EXPECT_EQ(receive_queued(pair.peer.get()), "+PONG\r\n+OK\r\n");
}

TEST(Connection, ReportsEpipeWhenThePeerHasGone) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::echo);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), "x"), 1u);
  pair.peer.reset();
  ServeOutcome outcome = serve_level_triggered(connection, true, kNoHighWater);
  EXPECT_FALSE(outcome.stays_open);
  EXPECT_EQ(outcome.error_number, EPIPE) << errno_text(outcome.error_number);
}

TEST(Connection, WantsToReadOnlyWhilePendingOutputIsBelowHighWater) {
  SocketPair pair = make_socket_pair();
  Connection connection(std::move(pair.ours), Protocol::echo);
  ASSERT_EQ(send_without_blocking(pair.peer.get(), pattern(100)), 100u);
  ASSERT_EQ(connection.read_and_process().status, IoStatus::transferred);
  EXPECT_EQ(connection.pending_output_bytes(), 100u);
  EXPECT_TRUE(connection.wants_to_read(101));
  EXPECT_FALSE(connection.wants_to_read(100));
}

TEST(Connection, ServeLeavesInputUnreadWhilePendingOutputIsAboveHighWater) {
  constexpr std::size_t kHighWater = 64 * 1024;
  SocketPair pair = make_socket_pair();
  set_buffer_size(pair.ours.get(), SO_SNDBUF, 16 * 1024);
  set_buffer_size(pair.peer.get(), SO_SNDBUF, 1024 * 1024);
  Connection connection(std::move(pair.ours), Protocol::echo);
  const std::string chunk = pattern(64 * 1024);
  for (int round = 0; round < 100 && connection.wants_to_read(kHighWater); ++round) {
    send_without_blocking(pair.peer.get(), chunk);
    ASSERT_TRUE(serve_level_triggered(connection, true, kHighWater).stays_open);
  }
  ASSERT_FALSE(connection.wants_to_read(kHighWater));
  EXPECT_GE(connection.pending_output_bytes(), kHighWater);

  send_without_blocking(pair.peer.get(), chunk);
  std::size_t queued = queued_bytes(connection.fd());
  ASSERT_GT(queued, 0u) << "the peer could queue nothing more";
  std::size_t pending = connection.pending_output_bytes();
  EXPECT_TRUE(serve_level_triggered(connection, true, kHighWater).stays_open);
  EXPECT_EQ(queued_bytes(connection.fd()), queued) << "serve read from a peer past high water";
  EXPECT_EQ(connection.pending_output_bytes(), pending);
}

}  // namespace
}  // namespace socklab
