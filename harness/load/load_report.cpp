#include "harness/load/load_report.hpp"

#include <fmt/format.h>

namespace socklab::load {
namespace {

double requests_per_second(const LoadResult& result) {
  return result.seconds > 0 ? static_cast<double>(result.requests) / result.seconds : 0.0;
}

double microseconds(std::uint64_t nanoseconds) { return static_cast<double>(nanoseconds) / 1e3; }

}  // namespace

std::string error_lines(const ErrorTally& errors) {
  std::string lines;
  if (errors.connection_resets > 0) {
    lines += fmt::format(
        "    {} reset: the server's kernel answered with RST (ECONNRESET/EPIPE), because the "
        "server "
        "closed with our bytes unread, or crashed\n",
        errors.connection_resets);
  }
  if (errors.closed_by_server > 0) {
    lines += fmt::format(
        "    {} closed by the server: it sent FIN while we still expected replies (a connection "
        "limit, an idle timeout, or it is shutting down)\n",
        errors.closed_by_server);
  }
  if (errors.protocol_errors > 0) {
    lines += fmt::format("    {} protocol error: {}; that connection was closed\n",
                         errors.protocol_errors, errors.first_protocol_error);
  }
  if (errors.timeouts > 0) {
    lines += fmt::format(
        "    {} timed out: requests in flight and no reply for 10 s (or ETIMEDOUT: the kernel "
        "gave up retransmitting); that connection was closed\n",
        errors.timeouts);
  }
  if (errors.other_failures > 0) {
    lines += fmt::format("    {} other failure, the first: {}\n", errors.other_failures,
                         errors.first_other_failure);
  }
  return lines;
}

std::string text_report(const LoadResult& result) {
  const LoadOptions& options = result.options;
  const LatencyHistogram& latencies = result.latencies;
  std::string pacing = options.rate
                           ? fmt::format(
                                 "paced at {:g} requests/s; latency counts from each request's "
                                 "scheduled send time",
                                 *options.rate)
                           : std::string("as fast as the replies allow");
  std::string text = fmt::format(
      "socklab load: {} to {}:{}, {} connections x {} in flight, {} idle, {}-byte requests, "
      "{} threads\n",
      load_protocol_name(options.protocol), options.host, options.port, options.connections,
      options.depth, options.idle_connections, result.request_bytes, options.threads);
  text +=
      fmt::format("  requests:   {} in {:.3f} s ({})\n", result.requests, result.seconds, pacing);
  text += fmt::format("  throughput: {:.0f} requests/s\n", requests_per_second(result));
  text +=
      fmt::format("  latency:    p50 {:.1f} us, p99 {:.1f} us, p99.9 {:.1f} us, max {:.1f} us\n",
                  microseconds(latencies.value_at_percentile(50)),
                  microseconds(latencies.value_at_percentile(99)),
                  microseconds(latencies.value_at_percentile(99.9)), microseconds(latencies.max()));
  if (options.idle_connections > 0) {
    text += fmt::format(
        "  idle:       {} held open for the whole run, {} of them closed by the "
        "server by the end\n",
        options.idle_connections, result.idle_closed_by_server);
  }
  text += fmt::format("  errors:     {}\n", result.errors.total());
  text += error_lines(result.errors);
  return text;
}

std::string csv_header() {
  return "proto,connections,depth,idle,size,threads,seconds,requests,requests_per_second,p50_us,"
         "p99_us,p999_us,max_us,errors\n";
}

std::string csv_line(const LoadResult& result) {
  const LoadOptions& options = result.options;
  const LatencyHistogram& latencies = result.latencies;
  return fmt::format("{},{},{},{},{},{},{:.3f},{},{:.1f},{:.1f},{:.1f},{:.1f},{:.1f},{}\n",
                     load_protocol_name(options.protocol), options.connections, options.depth,
                     options.idle_connections, result.request_bytes, options.threads,
                     result.seconds, result.requests, requests_per_second(result),
                     microseconds(latencies.value_at_percentile(50)),
                     microseconds(latencies.value_at_percentile(99)),
                     microseconds(latencies.value_at_percentile(99.9)),
                     microseconds(latencies.max()), result.errors.total());
}

}  // namespace socklab::load
