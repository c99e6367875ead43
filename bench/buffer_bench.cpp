// bench-buffer: what Buffer costs a server per byte: appends and consumes as the codecs make
// them, and read_from/write_to over a Unix stream pair, the calls a server makes per readiness
// event. Sizes from 16 B (a PING) to 1 MiB (the largest request a codec accepts).
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "bench/bench_sockets.hpp"
#include "net/buffer.hpp"
#include "net/errno_text.hpp"

namespace socklab::bench {
namespace {

void message_sizes(benchmark::internal::Benchmark* benchmark) {
  for (long size : {16L, 128L, 1024L, 8L << 10, 64L << 10, 256L << 10, 512L << 10, 1L << 20}) {
    benchmark->Arg(size);
  }
}

// Page faults per iteration: the cost of memory given back to the kernel and taken again.
void report_page_faults(benchmark::State& state, long faults_before) {
  state.counters["page_faults"] = benchmark::Counter(
      static_cast<double>(minor_page_faults() - faults_before), benchmark::Counter::kAvgIterations);
}

// One message in, all of it out: a connection's output buffer for one reply.
void BM_AppendThenConsume(benchmark::State& state) {
  const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
  Buffer buffer;  // one connection's, kept across messages as a server keeps it
  long faults_before = minor_page_faults();
  for (auto _ : state) {
    buffer.append(message);
    benchmark::DoNotOptimize(buffer.readable().data());
    buffer.consume(buffer.readable_bytes());
  }
  report_page_faults(state, faults_before);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_AppendThenConsume)->Apply(message_sizes);

// One read's worth in, consumed 64 bytes at a time: a codec answering pipelined requests.
void BM_ConsumeInSmallRequests(benchmark::State& state) {
  const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
  Buffer buffer;
  for (auto _ : state) {
    buffer.append(message);
    while (!buffer.empty()) buffer.consume(64);
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ConsumeInSmallRequests)->Arg(1024)->Arg(64 << 10);

// A message through a Unix stream pair: write_to on one end, read_from on the other until all
// of it has arrived, alternating when the socket's queue is full, as an event loop would.
void BM_WriteToThenReadFrom(benchmark::State& state) {
  const auto size = static_cast<std::size_t>(state.range(0));
  const std::string message(size, 'x');
  SocketPair pair = unix_stream_pair();
  Buffer output;
  Buffer input;
  long faults_before = minor_page_faults();
  for (auto _ : state) {
    output.append(message);
    while (input.readable_bytes() < size) {
      if (!output.empty() && output.write_to(pair.client.get()).status == IoStatus::failed) {
        state.SkipWithError("write_to failed");
        return;
      }
      if (input.read_from(pair.server.get()).status == IoStatus::failed) {
        state.SkipWithError("read_from failed");
        return;
      }
    }
    input.clear();
  }
  report_page_faults(state, faults_before);
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_WriteToThenReadFrom)->Apply(message_sizes);

// Queues `size` bytes at the server end; 64 KiB fits in a Unix stream pair's default queue.
void send_all(int fd, const std::string& message) {
  IoResult sent = send_some(fd, message.data(), message.size());
  if (sent.status != IoStatus::transferred || sent.bytes != message.size()) {
    throw_errno("send of the benchmark message", sent.error_number);
  }
}

// The floor for one read: send, then read() into memory that is already there.
void BM_ReadIntoAnArray(benchmark::State& state) {
  const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
  SocketPair pair = unix_stream_pair();
  static char area[Buffer::kStackReadSize];
  for (auto _ : state) {
    send_all(pair.client.get(), message);
    if (::read(pair.server.get(), area, sizeof area) != state.range(0)) {
      state.SkipWithError("read did not take the whole message");
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReadIntoAnArray)->Range(16, 64 << 10);

// The same with read_from into a buffer that holds no memory (a new or idle connection's) ...
void BM_ReadFromIntoAnEmptyBuffer(benchmark::State& state) {
  const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
  SocketPair pair = unix_stream_pair();
  for (auto _ : state) {
    send_all(pair.client.get(), message);
    Buffer input;
    if (input.read_from(pair.server.get()).bytes != message.size()) {
      state.SkipWithError("read_from did not take the whole message");
      return;
    }
    benchmark::DoNotOptimize(input.readable().data());
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReadFromIntoAnEmptyBuffer)->Range(16, 64 << 10);

// ... and into one that kept its memory from the previous message (a busy connection's).
void BM_ReadFromIntoAKeptBuffer(benchmark::State& state) {
  const std::string message(static_cast<std::size_t>(state.range(0)), 'x');
  SocketPair pair = unix_stream_pair();
  Buffer input;
  for (auto _ : state) {
    send_all(pair.client.get(), message);
    if (input.read_from(pair.server.get()).bytes != message.size()) {
      state.SkipWithError("read_from did not take the whole message");
      return;
    }
    input.clear();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ReadFromIntoAKeptBuffer)->Range(16, 64 << 10);

}  // namespace
}  // namespace socklab::bench
