#pragma once
// The host as LLVM sees it, the optimisation pipeline, and writing object or assembly files.
#include <llvm/IR/Module.h>
#include <llvm/Target/TargetMachine.h>

#include <memory>
#include <string>

namespace nnc::codegen {

// Initialises LLVM's native target once; call before any other function here.
void initialize_llvm();

// A TargetMachine for this very CPU (name and features detected), optimising aggressively.
std::unique_ptr<llvm::TargetMachine> host_target_machine();

// Runs the -O2 module pipeline for `target` (vectorisation sized to its registers).
void optimize(llvm::Module& module, llvm::TargetMachine& target);

enum class MachineCodeKind { Object, Assembly };
// Machine code for `module` as the bytes of an object file or assembly text.
std::string emit_machine_code(llvm::Module& module, llvm::TargetMachine& target, MachineCodeKind kind);

}  // namespace nnc::codegen
