#include "harness/trace/segment_queries.hpp"

#include <algorithm>

namespace socklab::harness {

std::vector<TcpSegment> segments_between(const std::vector<TcpSegment>& segments,
                                         const TcpEndpoint& from, const TcpEndpoint& to,
                                         double since) {
  std::vector<TcpSegment> found;
  for (const TcpSegment& segment : segments) {
    if (segment.source == from && segment.destination == to && segment.time >= since) {
      found.push_back(segment);
    }
  }
  return found;
}

int count_keepalive_probes(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                           const TcpEndpoint& to, double since) {
  int probes = 0;
  bool sent_anything = false;
  std::uint32_t next_seq = 0;  // one past the highest sequence number `from` has sent
  for (const TcpSegment& segment : segments_between(segments, from, to)) {
    std::uint32_t end = segment.seq + segment.sequence_length();
    bool probe = sent_anything && segment.payload_bytes <= 1 && segment.seq + 1 == next_seq &&
                 !segment.syn() && !segment.fin() && !segment.rst();
    if (probe && segment.time >= since) ++probes;
    // Serial-number arithmetic (RFC 1982): `end` is later if it is less than 2^31 ahead.
    if (!sent_anything || static_cast<std::int32_t>(end - next_seq) > 0) next_seq = end;
    sent_anything = true;
  }
  return probes;
}

int count_resets(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                 const TcpEndpoint& to, double since) {
  auto between = segments_between(segments, from, to, since);
  return static_cast<int>(std::count_if(between.begin(), between.end(),
                                        [](const TcpSegment& segment) { return segment.rst(); }));
}

int count_zero_windows(const std::vector<TcpSegment>& segments, const TcpEndpoint& from,
                       const TcpEndpoint& to, double since) {
  auto between = segments_between(segments, from, to, since);
  return static_cast<int>(
      std::count_if(between.begin(), between.end(), [](const TcpSegment& segment) {
        return segment.window == 0 && !segment.rst() && !segment.syn();
      }));
}

std::optional<std::uint32_t> last_acknowledgment(const std::vector<TcpSegment>& segments,
                                                 const TcpEndpoint& from, const TcpEndpoint& to) {
  std::optional<std::uint32_t> last;
  for (const TcpSegment& segment : segments_between(segments, from, to)) {
    if (segment.has_ack()) last = segment.ack;
  }
  return last;
}

}  // namespace socklab::harness
