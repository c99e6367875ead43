// LoadSetupError: a load run that cannot start (a bad host, too few descriptors, nothing
// listening). Its message is a whole sentence for the user; socklab load exits 2 on it.
#pragma once

#include <stdexcept>

namespace socklab::load {

class LoadSetupError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace socklab::load
