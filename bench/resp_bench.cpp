// bench-resp: how fast RespCodec frames and answers requests as a server feeds it, in bytes/s
// and commands/s (items_per_second). Each stream is fed whole (piece 0: a deep pipeline that one
// read takes at once) and in pieces of 1, 7, 64 and 1448 bytes (one TCP segment), because TCP
// may deliver any split and the codec must cost about the same for each.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <string>

#include "net/buffer.hpp"
#include "net/resp_codec.hpp"

namespace socklab::bench {
namespace {

struct Stream {
  std::string bytes;
  long commands = 0;
};

Stream repeated(const std::string& command, long times) {
  Stream stream;
  for (long i = 0; i < times; ++i) stream.bytes += command;
  stream.commands = times;
  return stream;
}

std::string multibulk(long arguments, const std::string& first, const std::string& rest) {
  std::string request = "*" + std::to_string(arguments) + "\r\n";
  for (long i = 0; i < arguments; ++i) {
    const std::string& argument = i == 0 ? first : rest;
    request += "$" + std::to_string(argument.size()) + "\r\n" + argument + "\r\n";
  }
  return request;
}

std::string inline_command(long arguments, const std::string& first, const std::string& rest) {
  std::string request = first;
  for (long i = 1; i < arguments; ++i) request += " " + rest;
  return request + "\r\n";
}

// What redis-benchmark -P 1000 sends, then larger requests, then one with 1024 arguments (a
// PING with 1023 arguments: parsed in full, then refused for its arity).
Stream inline_ping() { return repeated("PING\r\n", 1000); }
Stream multibulk_ping() { return repeated(multibulk(1, "PING", ""), 1000); }
Stream inline_echo_1k() { return repeated(inline_command(2, "ECHO", std::string(1024, 'x')), 100); }
Stream echo_1k() { return repeated(multibulk(2, "ECHO", std::string(1024, 'x')), 100); }
Stream echo_64k() { return repeated(multibulk(2, "ECHO", std::string(64 << 10, 'x')), 4); }
Stream inline_1024_arguments() { return repeated(inline_command(1024, "PING", "abcd"), 1); }
Stream multibulk_1024_arguments() { return repeated(multibulk(1024, "PING", "abcd"), 1); }

// Feeds the stream in pieces of state.range(0) bytes (0: all at once) to one codec, as one
// connection's reads would; every stream ends on a request boundary.
void BM_RespParse(benchmark::State& state, Stream (*make_stream)()) {
  const Stream stream = make_stream();
  const std::size_t piece =
      state.range(0) == 0 ? stream.bytes.size() : static_cast<std::size_t>(state.range(0));
  const std::string_view bytes = stream.bytes;
  RespCodec codec;
  Buffer input;
  Buffer output;
  for (auto _ : state) {
    for (std::size_t at = 0; at < bytes.size(); at += piece) {
      input.append(bytes.substr(at, piece));
      if (codec.consume(input, output) != CodecVerdict::keep_open) {
        state.SkipWithError("the codec refused the stream");
        return;
      }
      output.clear();  // a server would send it; the benchmark measures the parse
    }
    if (!input.empty()) {
      state.SkipWithError("a request was left unparsed");
      return;
    }
  }
  state.SetBytesProcessed(state.iterations() * static_cast<long>(bytes.size()));
  state.SetItemsProcessed(state.iterations() * stream.commands);
}

void pieces(benchmark::internal::Benchmark* benchmark) {
  for (long piece : {0L, 1L, 7L, 64L, 1448L}) benchmark->Arg(piece);
  benchmark->ArgName("piece");
}

BENCHMARK_CAPTURE(BM_RespParse, inline_ping, inline_ping)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, multibulk_ping, multibulk_ping)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, inline_echo_1k, inline_echo_1k)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, echo_1k, echo_1k)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, echo_64k, echo_64k)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, inline_1024_arguments, inline_1024_arguments)->Apply(pieces);
BENCHMARK_CAPTURE(BM_RespParse, multibulk_1024_arguments, multibulk_1024_arguments)->Apply(pieces);

}  // namespace
}  // namespace socklab::bench
