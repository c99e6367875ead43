// Descriptors for idle connections: 10,000 of them need 10,000 descriptors in the server and
// as many in the load generator, far past the usual soft limit of 1024.
#pragma once

#include <cstddef>

namespace socklab::bench {

// Raises this process's soft RLIMIT_NOFILE to its hard limit (the children it starts inherit
// it), and throws BenchError before anything starts when even the hard limit is below
// `needed`, saying what was needed and how to raise it.
void raise_open_file_limit(std::size_t needed);

}  // namespace socklab::bench
