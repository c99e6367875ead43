// Codec: what a server does with the bytes it has received. The I/O model (blocking, select,
// poll, epoll) is the lesson of each reference server; the codec is the same for all of them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "net/buffer.hpp"

namespace socklab {

enum class Protocol { echo, resp };

enum class CodecVerdict {
  keep_open,          // keep reading and replying
  close_after_reply,  // send what is in the output buffer, then close (QUIT, protocol error)
};

class Codec {
 public:
  virtual ~Codec() = default;
  // Consumes every complete request in `input` (a partial one stays there for the next read)
  // and appends the replies to `output`. Any split of the byte stream must give the same replies:
  // TCP delivers a byte stream, not the writes the client made.
  virtual CodecVerdict consume(Buffer& input, Buffer& output) = 0;
};

// The largest request a codec accepts; past it the client gets a protocol error and is closed,
// so one client cannot make the server buffer without bound.
inline constexpr std::size_t kDefaultMaxRequestBytes = 1024 * 1024;

std::unique_ptr<Codec> make_codec(Protocol protocol,
                                  std::size_t max_request_bytes = kDefaultMaxRequestBytes);

Protocol parse_protocol(const std::string& name);  // "echo" or "resp"; throws otherwise
const char* protocol_name(Protocol protocol);

}  // namespace socklab
