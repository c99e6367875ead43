// Sets each segment's tcp.analysis flags by the rules Wireshark documents in its user guide
// ("TCP Analysis"), walking the segments in capture order with the state of each direction.
#pragma once

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

void analyze_connection(TcpConnection& connection);

}  // namespace socklab::harness
