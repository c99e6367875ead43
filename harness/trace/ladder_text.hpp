// The ladder diagram in a terminal: the client's line on the left, the server's on the
// right, one arrow per segment, time going down.
#pragma once

#include <cstddef>
#include <ostream>

#include "harness/trace/tcp_connection.hpp"

namespace socklab::harness {

// `number` and `count` title the block ("connection 2 of 5"); `fold_longer_than` as in
// ladder_rows (0 shows every segment).
void write_text_ladder(std::ostream& out, const TcpConnection& connection, std::size_t number,
                       std::size_t count, std::size_t fold_longer_than,
                       std::size_t max_rows = 0);

}  // namespace socklab::harness
