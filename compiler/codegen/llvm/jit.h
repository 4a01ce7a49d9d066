#pragma once
// A small JIT on ORC's LLJIT: it links object code compiled for the host (host_target_machine), which may call
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

  // Links an object file made by emit_machine_code for target().
  llvm::Error add_object(const std::string& object);
  llvm::Expected<void*> lookup(const std::string& name);

 private:
  Jit(std::unique_ptr<llvm::orc::LLJIT> jit, std::unique_ptr<llvm::TargetMachine> target)
      : jit_(std::move(jit)), target_(std::move(target)) {}

  std::unique_ptr<llvm::orc::LLJIT> jit_;
  std::unique_ptr<llvm::TargetMachine> target_;
};

}  // namespace nnc::codegen
