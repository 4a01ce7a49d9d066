#pragma once
// A small JIT on ORC's LLJIT: modules are optimised for the host as they are added, and may call
// only the runtime ABI list and the C math functions generated code uses.
#include <llvm/ExecutionEngine/Orc/LLJIT.h>

#include <memory>
#include <string>

namespace nnc::codegen {

class Jit {
 public:
  static llvm::Expected<std::unique_ptr<Jit>> create();

  const llvm::DataLayout& data_layout() const { return jit_->getDataLayout(); }
  llvm::TargetMachine& target() { return *target_; }

  // Adds an optimised copy of `module`'s code; `module` must verify.
  llvm::Error add(std::unique_ptr<llvm::Module> module, std::unique_ptr<llvm::LLVMContext> context);
  llvm::Expected<void*> lookup(const std::string& name);

 private:
  Jit(std::unique_ptr<llvm::orc::LLJIT> jit, std::unique_ptr<llvm::TargetMachine> target)
      : jit_(std::move(jit)), target_(std::move(target)) {}

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> target_;
};

}  // namespace nnc::codegen
