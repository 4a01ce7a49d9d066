#include "support/internal_error.h"

namespace nnc {

InternalError::InternalError(const std::string& what) : std::logic_error("this is a bug in nnc: " + what) {}

void internal_error(const std::string& what) { throw InternalError(what); }

}  // namespace nnc
