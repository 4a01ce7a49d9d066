#pragma once
#include "ir/ir.h"

namespace nnc::ir {

// Checks a lowered function: every variable is bound before use and bound once, every buffer
// is an argument, a slice of one, or allocated in scope, and every load and store whose index
// range can be bounded (loop ranges, lets, and `if` guards on variables) stays inside its
// buffer. A failure is a bug in nnc and throws.
void verify(const Function& f);

}  // namespace nnc::ir
