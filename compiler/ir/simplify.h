#pragma once
#include "ir/ir.h"

namespace nnc::ir {

// Folds integer constants and trivial identities in index arithmetic (x + 0, x * 1, a + (b - a)),
// turns single-iteration loops and constant lets into substitutions. Float arithmetic is left
// exactly as written, so results do not change.
Stmt simplify(const Stmt& s);
Expr simplify(const Expr& e);

}  // namespace nnc::ir
