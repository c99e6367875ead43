// High water: --high-water BYTES bounds what a server buffers for one connection. A client that
// sends without reading the echo makes the server's output grow; past the mark the server must
// stop reading from it, so the client's data waits in the kernel's socket buffers (and then the
// client's send blocks), instead of in the server's memory. Once the client reads, all resumes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/server_process.hpp"
#include "tests/support/test_client.hpp"

namespace socklab::test {
namespace {

using namespace std::chrono_literals;

constexpr std::size_t kMiB = 1024 * 1024;
constexpr std::size_t kGrowthBound = 4 * kMiB;  // explained where it is checked

class HighWater : public ::testing::TestWithParam<std::string_view> {
 protected:
  std::string server_program() const { return reference_server_path(SOCKLAB_BIN_DIR, GetParam()); }
};

// AddressSanitizer keeps freed memory in a quarantine (256 MiB by default) to catch use after
// free, so in a sanitizer build every buffer a server frees and allocates again would count as
// growth. The server in this test runs without one: its RSS then follows what it holds, as in a
// normal build. A build without ASan ignores the variable.
std::vector<std::string> environment_without_asan_quarantine() {
  const char* options = std::getenv("ASAN_OPTIONS");
  return {"ASAN_OPTIONS=" + std::string(options ? options : "") + ":quarantine_size_mb=0"};
}

TEST_P(HighWater, BoundsServerMemoryWhileAClientSendsWithoutReading) {
  ServerProcess server(server_program(), {"--port", "0", "--high-water", "65536"},
                       environment_without_asan_quarantine());
  Fd client = connect_client(server.port());
  // One echo first, so the connection's fixed cost (its buffers, the blocking server's thread
  // stack) is already in the baseline and only buffering shows as growth.
  const std::string warm_up = random_bytes(64 * 1024, /*seed=*/8);
  ASSERT_TRUE(echo_concurrently(client.get(), warm_up, deadline_after(10s)) == warm_up);
  const std::size_t baseline = server.resident_bytes();

  // Write without reading until all 8 MiB are written or the socket has stayed unwritable for
  // 500 ms: then the server has stopped reading and the kernel's buffers are full.
  const std::string data = random_bytes(8 * kMiB, /*seed=*/9);
  const std::size_t sent = send_without_reading(client.get(), data, 500ms);
  // Loopback socket buffers can hold several MiB, so all 8 MiB may have been written. Give a
  // server that ignores the mark the time to take in what reached it: wait until it has read
  // everything, or has read nothing more for 500 ms (it stopped at the mark).
  wait_until_server_reads_all_or_stops(client.get(), 500ms, deadline_after(10s));
  // A server that ignores the mark holds the flood right now, in its current RSS.
  std::size_t peak = server.peak_resident_bytes();

  // Now read: everything comes back, and the server resumes reading as its output drains.
  EchoOptions options;
  options.already_sent = sent;
  std::string received = echo_concurrently(client.get(), data, deadline_after(60s), options);
  EXPECT_TRUE(received == data) << first_difference(data, received);

  // VmHWM is never below the current RSS, and the kernel also records the peak when memory is
  // given back, so together with the reading above it covers both phases. A correct server adds
  // to its baseline the mark (64 KiB) plus what one read brings in on top of it (the references
  // read into their Buffer, which keeps a large capacity until a fill no longer needs it, and a
  // 64 KiB stack area while less than 256 KiB is free) plus allocator slack: measured at 1.5 MiB
  // for every reference, 2.1 MiB under ASan, before Buffer kept large capacities (issue 10). A
  // server that ignores the mark reads all that reaches it: measured at 6.8 MiB or more (7.3
  // under ASan), since the kernel's send buffer takes only part of its output. 4 MiB leaves a
  // margin of about 2 MiB on either side.
  peak = std::max(peak, server.peak_resident_bytes());
  const std::size_t growth = peak > baseline ? peak - baseline : 0;
  EXPECT_LT(growth, kGrowthBound) << "the server's RSS grew by " << growth / 1024
                                  << " KiB above its baseline of " << baseline / 1024 << " KiB";
  EXPECT_EQ(server.stop(), ServerExit::exited(0)) << server.stderr_log();
}

INSTANTIATE_TEST_SUITE_P(ReferenceServers, HighWater, ::testing::ValuesIn(kReferenceLabs),
                         LabTestName());

}  // namespace
}  // namespace socklab::test
