#pragma once
// Loop IR -> LLVM IR. Mirrors the C++ printer visit for visit: each kernel becomes an internal
// function with noalias buffer arguments, parallel loops are outlined into tasks run by the
// runtime's nnc_parallel_for, and the entry point calls the kernels in order.
#include <llvm/IR/LLVMContext.h>
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <memory>

#include "ir/ir.h"

namespace nnc::codegen {

// Builds an LLVM module for `target` (its triple, data layout, CPU and features). With
// `step_functions`, each kernel call of the entry point is also an external function
// `<entry>_step<i>` with the entry's signature, so callers can time layers one by one.
std::unique_ptr<llvm::Module> compile_to_llvm(const ir::Module& module, llvm::LLVMContext& context,
                                              const llvm::TargetMachine& target, bool step_functions = false);

std::string step_function_name(const ir::Module& module, size_t step);

// The runtime function parallel loops call (runtime/include/nnc/abi.h).
inline constexpr const char* kParallelForName = "nnc_parallel_for";

}  // namespace nnc::codegen
