#pragma once
// Finds and loads the LLVM backend plugin for the commands that compile.
#include "codegen/backend.h"
#include "nnc/result.h"

namespace nnc {

// Loads libnnc_llvm.so from lib/ beside the directory of nnc's executable (its real path, /proc/self/exe) on
// first use; an error when that path is unknown.
Result<Backend*> llvm_backend();

}  // namespace nnc
