#include "net/codec.hpp"

#include <stdexcept>

#include "net/echo_codec.hpp"
#include "net/resp_codec.hpp"

namespace socklab {

std::unique_ptr<Codec> make_codec(Protocol protocol, std::size_t max_request_bytes) {
  switch (protocol) {
    case Protocol::echo:
      return std::make_unique<EchoCodec>();
    case Protocol::resp:
      return std::make_unique<RespCodec>(max_request_bytes);
  }
  throw std::logic_error("unknown protocol");
}

Protocol parse_protocol(const std::string& name) {
  if (name == "echo") return Protocol::echo;
  if (name == "resp") return Protocol::resp;
  throw std::invalid_argument("unknown protocol '" + name + "': expected echo or resp");
}

const char* protocol_name(Protocol protocol) {
  return protocol == Protocol::echo ? "echo" : "resp";
}

}  // namespace socklab
