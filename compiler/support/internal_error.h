#pragma once
// A bug in nnc, never a user's mistake (those are Diagnostics). Thrown by internal_error and caught
// once, in main, which prints it and exits 3.
#include <stdexcept>
#include <string>

namespace nnc {

class InternalError : public std::logic_error {
 public:
  // what() is `what` after the words that tell the user the bug is nnc's.
  explicit InternalError(const std::string& what);
};

[[noreturn]] void internal_error(const std::string& what);

}  // namespace nnc
