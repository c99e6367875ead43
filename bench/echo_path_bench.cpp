// bench-echo-path: the echo path of a socklab server over a real loopback TCP connection. The
// server side is net/'s Connection, as in every reference server: one readv() into the input
// Buffer, EchoCodec, send() of the output Buffer.
//
// What it predicts for `socklab load` (one connection, one 16-byte request at a time):
// BM_EchoRoundTrip/16 is that exchange with the client and the server on their own threads, so
// its rate is the most one connection can reach, and socklab load measures a little less (it
// also polls and times each request). BM_EchoInOneThread/16 runs both ends in one thread: it has
// no wake-ups and no scheduler, so it is the CPU the four system calls and the copies cost,
// and the gap between the two is what the cross-core wake-ups add to every round trip.
#include <benchmark/benchmark.h>

#include <string>
#include <thread>

#include "bench/bench_sockets.hpp"
#include "net/buffer.hpp"
#include "net/connection.hpp"

namespace socklab::bench {
namespace {

// Both ends non-blocking in one thread: the client writes what it can, the server reads,
// echoes and flushes, the client reads, until the whole message has come back.
void BM_EchoInOneThread(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string message(size, 'x');
  SocketPair pair = loopback_tcp_pair();
  set_nonblocking(pair.client.get());
  set_nonblocking(pair.server.get());
  Connection server(std::move(pair.server), Protocol::echo);
  Buffer client_output;
  Buffer client_input;
  for (auto _ : state) {
    client_output.append(message);
    while (client_input.readable_bytes() < size) {
      if (!client_output.empty()) client_output.write_to(pair.client.get());
      if (server.read_and_process().status == IoStatus::failed ||
          server.flush().status == IoStatus::failed) {
        state.SkipWithError("the server side failed");
        return;
      }
      if (client_input.read_from(pair.client.get()).status == IoStatus::failed) {
        state.SkipWithError("the client side failed");
        return;
      }
    }
    client_input.clear();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.SetItemsProcessed(state.iterations());  // round trips
}
BENCHMARK(BM_EchoInOneThread)->RangeMultiplier(8)->Range(16, 1 << 20);

// The blocking server's loop on its own thread: read, echo, flush until the client closes.
void serve_until_end_of_stream(Connection& server) {
  while (server.read_and_process().status == IoStatus::transferred) {
    if (server.flush().status != IoStatus::transferred) return;
  }
}

// A blocking client on this thread and the server on another: the round trip socklab load makes.
// The sizes stop at 16 KiB: the client sends all of a message before reading, which a larger one
// could deadlock once both directions' socket buffers were full.
void BM_EchoRoundTrip(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string message(size, 'x');
  SocketPair pair = loopback_tcp_pair();
  Connection server(std::move(pair.server), Protocol::echo);
  std::thread server_thread(serve_until_end_of_stream, std::ref(server));
  Buffer client_input;
  for (auto _ : state) {
    IoResult sent = send_some(pair.client.get(), message.data(), message.size());
    if (sent.status != IoStatus::transferred || sent.bytes != size) {
      state.SkipWithError("the client's send failed");
      break;
    }
    while (client_input.readable_bytes() < size) {
      if (client_input.read_from(pair.client.get()).status != IoStatus::transferred) {
        state.SkipWithError("the echo did not come back");
        break;
      }
    }
    client_input.clear();
  }
  pair.client.reset();  // FIN: the server thread reads end of stream and returns
  server_thread.join();
  state.SetBytesProcessed(state.iterations() * state.range(0));
  state.SetItemsProcessed(state.iterations());  // round trips
}
BENCHMARK(BM_EchoRoundTrip)->RangeMultiplier(4)->Range(16, 16 << 10)->UseRealTime();

}  // namespace
}  // namespace socklab::bench
