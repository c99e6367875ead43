#include "net/resp_codec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace socklab {
namespace {

constexpr std::string_view kCrlf = "\r\n";

// Parses a whole-line decimal such as "3" or "-1"; nullopt for anything else.
std::optional<long long> parse_integer(std::string_view text) {
  long long value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A client-chosen command name goes into our error reply: keep it printable and short so it
// can never break the reply's framing (a multibulk name may contain "\r\n").
std::string printable(std::string_view text) {
  std::string shown;
  for (char c : text.substr(0, 64)) shown += std::isprint(static_cast<unsigned char>(c)) ? c : '?';
  return shown;
}

void append_bulk(Buffer& output, std::string_view payload) {
  // Appended piece by piece: `"$" + std::to_string(...)` trips GCC 12's -Wrestrict false
  // positive at -O3 (GCC bug 105329), which -Werror turns into a failed Release build.
  output.append("$");
  output.append(std::to_string(payload.size()));
  output.append(kCrlf);
  output.append(payload);
  output.append(kCrlf);
}

void append_error(Buffer& output, const std::string& message) {
  output.append("-ERR " + message + "\r\n");
}

}  // namespace

CodecVerdict RespCodec::consume(Buffer& input, Buffer& output) {
  while (!input.empty()) {
    std::string_view bytes = input.readable();
    ParseOutcome outcome = bytes.front() == '*' ? parse_multibulk(bytes) : parse_inline(bytes);
    if (!outcome.protocol_error.empty()) {
      // Redis's answer to a stream it cannot frame: say why, then close, because nothing after
      // this point can be trusted to start at a request boundary.
      append_error(output, "Protocol error: " + outcome.protocol_error);
      input.clear();
      return CodecVerdict::close_after_reply;
    }
    if (!outcome.request) return CodecVerdict::keep_open;  // partial request: wait for more
    CodecVerdict verdict = execute(outcome.request->arguments, output);
    input.consume(outcome.request->length);
    if (verdict == CodecVerdict::close_after_reply) {
      input.clear();  // requests pipelined after QUIT are not served, as in Redis
      return verdict;
    }
  }
  return CodecVerdict::keep_open;
}

RespCodec::ParseOutcome RespCodec::parse_inline(std::string_view bytes) const {
  std::size_t newline = bytes.find('\n');
  if (newline == std::string_view::npos) {
    if (bytes.size() > kMaxInlineBytes) return {std::nullopt, "too big inline request"};
    return {};
  }
  std::string_view line = bytes.substr(0, newline);
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  Request request;
  request.length = newline + 1;
  std::size_t position = 0;
  while (position < line.size()) {
    std::size_t start = line.find_first_not_of(" \t", position);
    if (start == std::string_view::npos) break;
    std::size_t end = std::min(line.find_first_of(" \t", start), line.size());
    request.arguments.push_back(line.substr(start, end - start));
    position = end;
  }
  return {std::move(request), {}};
}

RespCodec::ParseOutcome RespCodec::parse_multibulk(std::string_view bytes) const {
  // Returns the line starting at `at` without its CRLF, or nullopt when the CRLF has not arrived.
  auto line_at = [&](std::size_t at) -> std::optional<std::string_view> {
    std::size_t end = bytes.find(kCrlf, at);
    if (end == std::string_view::npos) return std::nullopt;
    return bytes.substr(at, end - at);
  };
  std::optional<std::string_view> header = line_at(0);
  if (!header) {
    if (bytes.size() > kMaxInlineBytes) return {std::nullopt, "too big mbulk count string"};
    return {};
  }
  std::optional<long long> count = parse_integer(header->substr(1));
  if (!count || *count > 1024 * 1024) return {std::nullopt, "invalid multibulk length"};

  Request request;
  std::size_t position = header->size() + kCrlf.size();
  for (long long i = 0; i < *count; ++i) {
    std::optional<std::string_view> length_line = line_at(position);
    if (!length_line) {
      if (bytes.size() - position > kMaxInlineBytes) return {std::nullopt, "too big bulk count string"};
      return {};
    }
    if (length_line->empty() || length_line->front() != '$') {
      std::string got = length_line->empty() ? "" : printable(length_line->substr(0, 1));
      return {std::nullopt, "expected '$', got '" + got + "'"};
    }
    std::optional<long long> length = parse_integer(length_line->substr(1));
    if (!length || *length < 0 || static_cast<std::size_t>(*length) > max_request_bytes_) {
      return {std::nullopt, "invalid bulk length"};
    }
    std::size_t payload_start = position + length_line->size() + kCrlf.size();
    std::size_t payload_end = payload_start + static_cast<std::size_t>(*length);
    if (payload_end > max_request_bytes_) return {std::nullopt, "request larger than the server's limit"};
    if (bytes.size() < payload_end + kCrlf.size()) return {};
    if (bytes.substr(payload_end, kCrlf.size()) != kCrlf) {
      return {std::nullopt, "bulk string not terminated by CRLF"};
    }
    request.arguments.push_back(bytes.substr(payload_start, payload_end - payload_start));
    position = payload_end + kCrlf.size();
  }
  request.length = position;
  return {std::move(request), {}};
}

CodecVerdict RespCodec::execute(const std::vector<std::string_view>& arguments, Buffer& output) {
  if (arguments.empty()) return CodecVerdict::keep_open;  // an empty line or "*0": no reply
  std::string_view command = arguments.front();
  auto wrong_arity = [&](const char* name) {
    append_error(output, std::string("wrong number of arguments for '") + name + "' command");
  };
  if (equals_ignoring_case(command, "PING")) {
    if (arguments.size() == 1) {
      output.append("+PONG\r\n");
    } else if (arguments.size() == 2) {
      append_bulk(output, arguments[1]);
    } else {
      wrong_arity("ping");
    }
  } else if (equals_ignoring_case(command, "ECHO")) {
    if (arguments.size() == 2) {
      append_bulk(output, arguments[1]);
    } else {
      wrong_arity("echo");
    }
  } else if (equals_ignoring_case(command, "QUIT")) {
    output.append("+OK\r\n");
    return CodecVerdict::close_after_reply;
  } else {
    append_error(output, "unknown command '" + printable(command) + "'");
  }
  return CodecVerdict::keep_open;
}

}  // namespace socklab
