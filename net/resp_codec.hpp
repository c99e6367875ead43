// resp: the subset of the Redis protocol (RESP2) that redis-cli and redis-benchmark need.
// Requests come inline ("PING\r\n") or as a multibulk array ("*1\r\n$4\r\nPING\r\n");
// PING, ECHO and QUIT are answered and anything else gets -ERR, so a real Redis client can drive
// any socklab server and redis-benchmark can measure it beside redis-server.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "net/codec.hpp"

namespace socklab {

class RespCodec final : public Codec {
 public:
  // An inline request line longer than this is refused, as Redis does (PROTO_INLINE_MAX_SIZE).
  static constexpr std::size_t kMaxInlineBytes = 64 * 1024;

  explicit RespCodec(std::size_t max_request_bytes = kDefaultMaxRequestBytes)
      : max_request_bytes_(max_request_bytes) {}

  CodecVerdict consume(Buffer& input, Buffer& output) override;

 private:
  // One parsed request: its arguments (views into the input) and how many bytes it spans.
  struct Request {
    std::vector<std::string_view> arguments;
    std::size_t length = 0;
  };
  struct ParseOutcome {
    std::optional<Request> request;  // empty: incomplete, wait for more bytes
    std::string protocol_error;      // non-empty: the stream cannot be parsed past this point
  };

  ParseOutcome parse_inline(std::string_view bytes) const;
  ParseOutcome parse_multibulk(std::string_view bytes) const;
  static CodecVerdict execute(const std::vector<std::string_view>& arguments, Buffer& output);

  std::size_t max_request_bytes_;
};

}  // namespace socklab
