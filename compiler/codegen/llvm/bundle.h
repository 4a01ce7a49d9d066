#pragma once
// The AOT bundle: a module from compile_to_llvm made self-contained, so that its object file links into a C++
// program with nothing from nnc (only libc and libm stay undefined).
#include <llvm/ADT/ArrayRef.h>
#include <llvm/IR/Module.h>

#include <string>

namespace nnc::codegen {

// Hides the entry point `entry_name(input, output, params, arena)` behind an external
// `void symbol(const float* input, float* output, float* workspace)` that passes `parameters` (at least one float:
// the packed block) as a 64-byte-aligned constant and accepts any float-aligned workspace, and defines
// nnc_parallel_for, if the code calls it, as a serial loop inside the module.
void make_bundle(llvm::Module& module, const std::string& entry_name, llvm::ArrayRef<float> parameters, const std::string& symbol);

}  // namespace nnc::codegen
