// echo: every byte received goes back, in order.
#pragma once

#include "net/codec.hpp"

namespace socklab {

class EchoCodec final : public Codec {
 public:
  CodecVerdict consume(Buffer& input, Buffer& output) override;
};

}  // namespace socklab
