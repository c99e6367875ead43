#include "net/echo_codec.hpp"

namespace socklab {

CodecVerdict EchoCodec::consume(Buffer& input, Buffer& output) {
  output.append(input.readable());
  input.clear();
  return CodecVerdict::keep_open;
}

}  // namespace socklab
