// RequestTrain: the request repeated back to back, built once per run and shared read-only by
// every connection, so that sending k pipelined requests is one send() of a slice of it and no
// request is ever copied.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>

namespace socklab::load {

class RequestTrain {
 public:
  // Enough copies for `depth` requests, but no more than about 256 KiB (a large echo request at
  // a deep pipeline is then sent in several slices): more than a socket send buffer takes at once.
  RequestTrain(std::string_view request, std::size_t depth) : request_size_(request.size()) {
    const std::size_t copies = std::clamp<std::size_t>(kTargetBytes / request.size(), 1, depth);
    for (std::size_t i = 0; i < copies; ++i) bytes_.append(request);
  }

  std::size_t request_size() const { return request_size_; }

  // The next bytes to send when `unsent_bytes` are still owed. Owed bytes always end at a request
  // boundary, so the first of them sits (request_size - unsent % request_size) into a request.
  std::string_view next_slice(std::size_t unsent_bytes) const {
    const std::size_t start = (request_size_ - unsent_bytes % request_size_) % request_size_;
    return std::string_view(bytes_).substr(start, std::min(unsent_bytes, bytes_.size() - start));
  }

 private:
  static constexpr std::size_t kTargetBytes = 256 * 1024;
  std::size_t request_size_;
  std::string bytes_;
};

}  // namespace socklab::load
