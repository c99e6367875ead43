// LoadCodec: the one request a load run sends over and over, and the one reply it must get back.
//
// Every protocol the generator speaks has exactly one correct reply per request, known before
// the run starts (echo: the request itself; resp PING: +PONG; memcache's meta no-op mn: MN). So
// recognising a response is comparing the front of the received byte stream with that reply:
// nothing is parsed or allocated per response, and a wrong reply is caught at its first
// differing byte. TCP delivers a byte stream, so a reply may arrive in any number of pieces.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace socklab::load {

enum class LoadProtocol { echo, resp, memcache };

std::optional<LoadProtocol> load_protocol_named(std::string_view name);  // "echo", "resp", ...
const char* load_protocol_name(LoadProtocol protocol);

enum class ResponseStatus {
  incomplete,  // every byte so far matches, but the reply is not all here yet: read more
  complete,    // a whole correct reply is at the front; `length` bytes of it
  mismatch,    // the byte at `offset` differs from the expected reply: the stream is unusable
};

struct ResponseMatch {
  ResponseStatus status = ResponseStatus::incomplete;
  std::size_t length = 0;  // complete: the reply's length, to consume
  std::size_t offset = 0;  // mismatch: where the received bytes stop matching
};

class LoadCodec {
 public:
  // echo: `size` bytes of a fixed, non-repeating-looking pattern, which must come back unchanged.
  static LoadCodec echo(std::size_t size);
  // resp: PING as the multibulk array redis-benchmark's ping_mbulk sends; reply +PONG.
  static LoadCodec resp_ping();
  // memcache: the meta protocol's no-op "mn", which memcached answers with "MN".
  static LoadCodec memcache_noop();
  static LoadCodec for_protocol(LoadProtocol protocol, std::size_t echo_size);

  std::string_view request() const { return request_; }
  std::string_view expected_response() const { return response_; }

  // Looks at the front of `received` for one reply.
  ResponseMatch match_response(std::string_view received) const;

 private:
  LoadCodec(std::string request, std::string response)
      : request_(std::move(request)), response_(std::move(response)) {}

  std::string request_;
  std::string response_;
};

// Up to `max_bytes` of `bytes` with \r, \n and other unprintable bytes escaped ("+PONG\r\n"),
// for telling a user what a server sent instead of the expected reply.
std::string printable_bytes(std::string_view bytes, std::size_t max_bytes = 40);

}  // namespace socklab::load
