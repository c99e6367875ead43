#include "net/resp_codec.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

namespace socklab {
namespace {

constexpr std::string_view kCrlf = "\r\n";
// A request with more arguments than this gives back its argument lists when it is done, so a
// connection's memory does not stay at the size of its largest request.
constexpr std::size_t kKeptArgumentCapacity = 1024;

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

bool is_blank(char c) { return c == ' ' || c == '\t'; }

// Splits an inline request at runs of spaces and tabs. A plain loop and not find_first_of(" \t"),
// which libstdc++ implements as one memchr() over the two-byte set for every byte of the line.
void split_at_blanks(std::string_view line, std::vector<std::string_view>& arguments) {
  std::size_t position = 0;
  for (;;) {
    while (position < line.size() && is_blank(line[position])) ++position;
    if (position == line.size()) return;
    std::size_t start = position;
    while (position < line.size() && !is_blank(line[position])) ++position;
    arguments.push_back(line.substr(start, position - start));
  }
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

template <typename T>
void clear_keeping_small_capacity(std::vector<T>& items) {
  if (items.capacity() > kKeptArgumentCapacity) {
    std::vector<T>().swap(items);
  } else {
    items.clear();
  }
}

}  // namespace

CodecVerdict RespCodec::consume(Buffer& input, Buffer& output) {
  while (!input.empty()) {
    std::string_view bytes = input.readable();
    Parse parse = bytes.front() == '*' ? parse_multibulk(bytes) : parse_inline(bytes);
    if (parse == Parse::incomplete) return CodecVerdict::keep_open;  // wait for more bytes
    if (parse == Parse::protocol_error) {
      // Redis's answer to a stream it cannot frame: say why, then close, because nothing after
      // this point can be trusted to start at a request boundary.
      append_error(output, "Protocol error: " + protocol_error_);
      input.clear();
      start_next_request();
      return CodecVerdict::close_after_reply;
    }
    CodecVerdict verdict = execute(arguments_, output);
    input.consume(request_length_);
    start_next_request();
    if (verdict == CodecVerdict::close_after_reply) {
      input.clear();  // requests pipelined after QUIT are not served, as in Redis
      return verdict;
    }
  }
  return CodecVerdict::keep_open;
}

void RespCodec::start_next_request() {
  progress_.line_start = progress_.searched_to = 0;
  progress_.bulks_expected.reset();
  progress_.bulk_length.reset();
  clear_keeping_small_capacity(progress_.bulks);
  clear_keeping_small_capacity(arguments_);
}

RespCodec::Parse RespCodec::fail(std::string message) {
  protocol_error_ = std::move(message);
  return Parse::protocol_error;
}

// Finds the line that starts at progress_.line_start, resuming the search where the previous
// call gave up. The limit is checked on the bytes before the '\n' whether or not the '\n' has
// arrived yet, so a line gets the same verdict however TCP split it.
RespCodec::Parse RespCodec::find_line(std::string_view bytes, LineEnd line_end,
                                      const char* too_long, std::string_view& line) {
  const std::size_t start = progress_.line_start;
  std::size_t newline = bytes.find('\n', std::max(start, progress_.searched_to));
  // A multibulk line ends only at "\r\n": a bare '\n' belongs to the line.
  while (newline != std::string_view::npos && line_end == LineEnd::crlf &&
         (newline == start || bytes[newline - 1] != '\r')) {
    newline = bytes.find('\n', newline + 1);
  }
  if (newline == std::string_view::npos) {
    progress_.searched_to = bytes.size();
    return bytes.size() - start > kMaxInlineBytes ? fail(too_long) : Parse::incomplete;
  }
  if (newline - start > kMaxInlineBytes) return fail(too_long);
  const std::size_t end = line_end == LineEnd::crlf ? newline - 1 : newline;
  line = bytes.substr(start, end - start);
  return Parse::complete;
}

RespCodec::Parse RespCodec::parse_inline(std::string_view bytes) {
  std::string_view line;
  Parse found = find_line(bytes, LineEnd::newline, "too big inline request", line);
  if (found != Parse::complete) return found;
  request_length_ = line.size() + 1;
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  split_at_blanks(line, arguments_);
  return Parse::complete;
}

RespCodec::Parse RespCodec::parse_multibulk(std::string_view bytes) {
  Progress& progress = progress_;
  std::string_view line;
  if (!progress.bulks_expected) {
    Parse found = find_line(bytes, LineEnd::crlf, "too big mbulk count string", line);
    if (found != Parse::complete) return found;
    std::optional<long long> count = parse_integer(line.substr(1));
    if (!count || *count > 1024 * 1024) return fail("invalid multibulk length");
    progress.bulks_expected = std::max(*count, 0LL);  // "*-1" is a null array: no request
    progress.line_start += line.size() + kCrlf.size();
  }
  while (progress.bulks.size() < *progress.bulks_expected) {
    if (!progress.bulk_length) {
      Parse found = find_line(bytes, LineEnd::crlf, "too big bulk count string", line);
      if (found != Parse::complete) return found;
      if (line.empty() || line.front() != '$') {
        return fail("expected '$', got '" + (line.empty() ? "" : printable(line.substr(0, 1))) +
                    "'");
      }
      std::optional<long long> length = parse_integer(line.substr(1));
      if (!length || *length < 0 || static_cast<std::size_t>(*length) > max_request_bytes_) {
        return fail("invalid bulk length");
      }
      progress.bulk_length = static_cast<std::size_t>(*length);
      progress.line_start += line.size() + kCrlf.size();
      if (progress.line_start + *progress.bulk_length > max_request_bytes_) {
        return fail("request larger than the server's limit");
      }
    }
    const std::size_t payload_end = progress.line_start + *progress.bulk_length;
    if (bytes.size() < payload_end + kCrlf.size()) return Parse::incomplete;
    if (bytes.substr(payload_end, kCrlf.size()) != kCrlf) {
      return fail("bulk string not terminated by CRLF");
    }
    progress.bulks.push_back({progress.line_start, *progress.bulk_length});
    progress.line_start = payload_end + kCrlf.size();
    progress.bulk_length.reset();
  }
  for (Span bulk : progress.bulks) arguments_.push_back(bytes.substr(bulk.start, bulk.length));
  request_length_ = progress.line_start;
  return Parse::complete;
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
