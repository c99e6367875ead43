// BenchError: a measurement that cannot be made (a server that does not start, a load run that
// fails, a tool that is missing). Its message is a whole sentence for the user; socklab bench
// exits 2 on it.
#pragma once

#include <stdexcept>

namespace socklab::bench {

class BenchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace socklab::bench
