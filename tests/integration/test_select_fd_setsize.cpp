// select and FD_SETSIZE: an fd_set has room for descriptors 0 to 1023 only, and FD_SET on a
// larger one writes past the end of the set. So ref-select must refuse, cleanly, every
// connection whose descriptor would not fit, and keep serving the ones that do. A flood of
// 1,100 connections pushes it past the limit; clients opened before the flood must not notice.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/select.h>

#include <algorithm>
#include <vector>

#include "net/errno_text.hpp"
#include "net/socket.hpp"
#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

constexpr int kFirstClients = 5;
constexpr int kFloodConnections = 1100;

// How the flood connections fared once each was sent a message.
struct FloodOutcome {
  int served = 0;                      // the message came back
  int refused = 0;                     // EOF or ECONNRESET (or EPIPE on the send) instead
  int hanging = 0;                     // neither by the deadline
  std::vector<std::string> anomalies;  // anything else, described
};

std::string flood_message(std::size_t i) { return "flood " + std::to_string(i) + "\n"; }

void expect_echo(int fd, const std::string& message) {
  send_all(fd, message, deadline_after(10s));
  EXPECT_EQ(read_exactly(fd, message.size(), deadline_after(10s)), message);
}

// Sends each flood connection its message, then polls them all until each has echoed it or
// ended. A refused connection may end either way: with EOF if the server's FIN came before our
// message reached it, with ECONNRESET if our message reached a socket the server had closed.
FloodOutcome send_to_every_flood_connection(std::vector<Fd>& flood, Deadline deadline) {
  FloodOutcome outcome;
  std::vector<std::string> received(flood.size());
  std::vector<bool> settled(flood.size(), false);
  for (std::size_t i = 0; i < flood.size(); ++i) {
    std::string message = flood_message(i);
    IoResult sent = send_some(flood[i].get(), message.data(), message.size());
    if (sent.status == IoStatus::failed) {
      settled[i] = true;
      ++outcome.refused;
    } else if (sent.status != IoStatus::transferred || sent.bytes != message.size()) {
      // Eleven bytes always fit in an empty send buffer.
      settled[i] = true;
      outcome.anomalies.push_back("connection " + std::to_string(i) + ": short send");
    }
  }
  for (;;) {
    std::vector<pollfd> waiting;
    std::vector<std::size_t> index;
    for (std::size_t i = 0; i < flood.size(); ++i) {
      if (settled[i]) continue;
      waiting.push_back({flood[i].get(), POLLIN, 0});
      index.push_back(i);
    }
    if (waiting.empty()) return outcome;
    auto left =
        std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    int ready = ::poll(waiting.data(), waiting.size(),
                       static_cast<int>(std::max<std::chrono::milliseconds::rep>(left.count(), 0)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) throw_errno("poll", errno);
    if (ready == 0) {
      outcome.hanging = static_cast<int>(waiting.size());
      return outcome;
    }
    for (std::size_t k = 0; k < waiting.size(); ++k) {
      if (waiting[k].revents == 0) continue;
      std::size_t i = index[k];
      char chunk[64];
      IoResult result = receive_some(flood[i].get(), chunk, sizeof chunk);
      if (result.status == IoStatus::transferred) {
        received[i].append(chunk, result.bytes);
        if (received[i].size() < flood_message(i).size()) continue;
        settled[i] = true;
        if (received[i] == flood_message(i)) {
          ++outcome.served;
        } else {
          outcome.anomalies.push_back("connection " + std::to_string(i) + ": wrong echo");
        }
      } else if (result.status == IoStatus::end_of_stream ||
                 (result.status == IoStatus::failed && result.error_number == ECONNRESET)) {
        settled[i] = true;
        if (received[i].empty()) {
          ++outcome.refused;
        } else {
          outcome.anomalies.push_back("connection " + std::to_string(i) + ": closed mid-echo");
        }
      } else if (result.status == IoStatus::failed) {
        settled[i] = true;
        outcome.anomalies.push_back("connection " + std::to_string(i) + ": " +
                                    errno_text(result.error_number));
      }
    }
  }
}

class SelectFdSetsize : public ::testing::Test {
 protected:
  void SetUp() override {
    // This process holds more than 1,100 sockets, past the usual soft limit of 1024 descriptors.
    raise_open_file_limit();
    rlimit limit{};
    ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
    if (limit.rlim_cur < kFirstClients + kFloodConnections + 64) {
      GTEST_SKIP() << "RLIMIT_NOFILE's hard limit is " << limit.rlim_max
                   << ", too low to open the flood";
    }
    for (int i = 0; i < kFirstClients; ++i) {
      first_clients_.push_back(connect_client(server_.port()));
      expect_echo(first_clients_.back().get(), "first " + std::to_string(i) + "\n");
    }
    descriptors_with_first_clients_ = server_.open_fd_count();
  }

  void open_flood() {
    // Loopback completes each handshake in the kernel, so connect returns whether or not the
    // server gets round to accepting: the flood is all there before the server acts on it.
    for (int i = 0; i < kFloodConnections; ++i) flood_.push_back(connect_client(server_.port()));
  }

  void expect_first_clients_served(const char* when) {
    SCOPED_TRACE(when);
    for (std::size_t i = 0; i < first_clients_.size(); ++i) {
      expect_echo(first_clients_[i].get(), "first " + std::to_string(i) + " " + when + "\n");
    }
  }

  ServerProcess server_{reference_server_path(SOCKLAB_BIN_DIR, "select"), {"--port", "0"}};
  std::vector<Fd> first_clients_;
  std::vector<Fd> flood_;
  std::size_t descriptors_with_first_clients_ = 0;
};

TEST_F(SelectFdSetsize, KeepsServingItsFirstClientsDuringAndAfterAFloodOfConnections) {
  open_flood();
  expect_first_clients_served("during the flood");
  // 20 s for 1,100 tiny echoes or refusals, which take well under a second, even under ASan.
  FloodOutcome outcome = send_to_every_flood_connection(flood_, deadline_after(20s));
  EXPECT_EQ(outcome.hanging, 0);
  expect_first_clients_served("after the flood");
  EXPECT_TRUE(server_.alive()) << server_.stderr_log();
  EXPECT_EQ(server_.stop(), ServerExit::exited(0)) << server_.stderr_log();
}

TEST_F(SelectFdSetsize, RefusesConnectionsWhoseDescriptorWouldNotFitInAnFdSet) {
  open_flood();
  FloodOutcome outcome = send_to_every_flood_connection(flood_, deadline_after(20s));

  // Refused cleanly: each connection was either served or ended, promptly; none was left
  // waiting, and none got a wrong or partial echo.
  EXPECT_EQ(outcome.hanging, 0) << "connections with neither an echo nor an end after 20 s";
  EXPECT_TRUE(outcome.anomalies.empty()) << outcome.anomalies.front();
  EXPECT_EQ(outcome.served + outcome.refused + outcome.hanging +
                static_cast<int>(outcome.anomalies.size()),
            kFloodConnections);
  // The server itself holds descriptors 0 to 2 and its listener below FD_SETSIZE, and the first
  // clients hold five more, so at most FD_SETSIZE - 4 - 5 of the flood can fit in an fd_set.
  EXPECT_GE(outcome.refused, kFloodConnections - (FD_SETSIZE - 4 - kFirstClients));
  // And every descriptor that fits is used: the server may keep a few more of its own (signal
  // fd, a reserve for EMFILE); 64 is far more than any reference needs.
  EXPECT_GE(outcome.served, FD_SETSIZE - 64 - kFirstClients);
  EXPECT_TRUE(server_.alive()) << server_.stderr_log();
  EXPECT_EQ(server_.stop(), ServerExit::exited(0)) << server_.stderr_log();
}

TEST_F(SelectFdSetsize, ServesNewClientsAndReleasesDescriptorsOnceTheFloodHasLeft) {
  open_flood();
  FloodOutcome outcome = send_to_every_flood_connection(flood_, deadline_after(20s));
  ASSERT_EQ(outcome.hanging, 0);
  flood_.clear();  // every flood connection closes: FIN, or nothing where the server already did

  // /proc/PID/fd is read until the count is back (no event tells of another process's close);
  // 10 s is far more than closing a thousand sockets takes.
  bool released =
      wait_until([&] { return server_.open_fd_count() == descriptors_with_first_clients_; },
                 deadline_after(10s));
  EXPECT_TRUE(released) << "the server holds " << server_.open_fd_count()
                        << " descriptors after the flood left, " << descriptors_with_first_clients_
                        << " before it came";
  Fd newcomer = connect_client(server_.port());
  expect_echo(newcomer.get(), "new after the flood\n");
  expect_first_clients_served("after the flood left");
  EXPECT_EQ(server_.stop(), ServerExit::exited(0)) << server_.stderr_log();
}

}  // namespace
}  // namespace socklab::test
