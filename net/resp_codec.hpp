// resp: the subset of the Redis protocol (RESP2) that redis-cli and redis-benchmark need.
// Requests come inline ("PING\r\n") or as a multibulk array ("*1\r\n$4\r\nPING\r\n");
// PING, ECHO and QUIT are answered and anything else gets -ERR, so a real Redis client can drive
// any socklab server and redis-benchmark can measure it beside redis-server.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/codec.hpp"

namespace socklab {

class RespCodec final : public Codec {
 public:
  // The longest line accepted, counted as the bytes before its '\n' ('\r' included): an inline
  // request, or a multibulk's count or bulk length line. Redis's PROTO_INLINE_MAX_SIZE.
  static constexpr std::size_t kMaxInlineBytes = 64 * 1024;

  explicit RespCodec(std::size_t max_request_bytes = kDefaultMaxRequestBytes)
      : max_request_bytes_(max_request_bytes) {}

  CodecVerdict consume(Buffer& input, Buffer& output) override;

 private:
  enum class Parse { complete, incomplete, protocol_error };
  // An inline request ends at '\n'; a multibulk's lines end only at "\r\n".
  enum class LineEnd { newline, crlf };
  struct Span {
    std::size_t start;
    std::size_t length;
  };

  // How far parsing got into the request at the front of the input. It is kept between calls,
  // so a request that arrives in many reads is scanned once and not again from its start after
  // every read (Redis keeps multibulklen and bulklen per client for the same reason). Offsets,
  // not views: the input buffer may move its bytes when it grows. So a codec belongs to one
  // connection, and only the codec consumes from that connection's input.
  struct Progress {
    std::size_t line_start = 0;                 // where the next line or bulk payload starts
    std::size_t searched_to = 0;                // no line end before this offset
    std::optional<std::size_t> bulks_expected;  // a multibulk's count, once its header is parsed
    std::optional<std::size_t> bulk_length;     // the next bulk's, once its "$" line is parsed
    std::vector<Span> bulks;                    // the bulk payloads parsed so far
  };

  Parse parse_inline(std::string_view bytes);
  Parse parse_multibulk(std::string_view bytes);
  Parse find_line(std::string_view bytes, LineEnd line_end, const char* too_long,
                  std::string_view& line);
  Parse fail(std::string message);
  void start_next_request();
  static CodecVerdict execute(const std::vector<std::string_view>& arguments, Buffer& output);

  std::size_t max_request_bytes_;
  Progress progress_;
  // Set when a parse is complete: the request's arguments (views into the input) and its length.
  std::vector<std::string_view> arguments_;
  std::size_t request_length_ = 0;
  std::string protocol_error_;  // set with Parse::protocol_error: what Redis would answer
};

}  // namespace socklab
