// libnnc_llvm.so's entry point: the Backend the driver loads for the commands that compile.
#include <llvm/Support/raw_ostream.h>

#include "codegen/llvm/bundle.h"
#include "codegen/llvm/codegen_llvm.h"
#include "codegen/llvm/compiled_model.h"
#include "codegen/llvm/target.h"
#include "driver/backend.h"

namespace nnc::codegen {
namespace {

class LlvmBackend final : public Backend {
 public:
  std::unique_ptr<Executable> compile(const LoweredModel& lowered) override { return CompiledModel::compile(lowered); }

  std::string emit(const LoweredModel& lowered, MachineCode kind) override {
    initialize_llvm();
    auto target = host_target_machine();
    llvm::LLVMContext context;
    auto module = compile_to_llvm(lowered.module, context, *target);
    optimize(*module, *target);
    if (kind == MachineCode::LlvmIr) {
      std::string text;
      llvm::raw_string_ostream stream(text);
      module->print(stream, nullptr);
      return stream.str();
    }
    return emit_machine_code(*module, *target, MachineCodeKind::Assembly);
  }

  std::string emit_bundle(const LoweredModel& lowered, std::span<const float> parameters, const std::string& entry_symbol) override {
    initialize_llvm();
    auto target = host_target_machine();
    llvm::LLVMContext context;
    auto module = compile_to_llvm(lowered.module, context, *target);
    make_bundle(*module, lowered.module.entry_name, llvm::ArrayRef<float>(parameters.data(), parameters.size()), entry_symbol);
    optimize(*module, *target);
    return emit_machine_code(*module, *target, MachineCodeKind::Object);
  }
};

}  // namespace
}  // namespace nnc::codegen

extern "C" __attribute__((visibility("default"))) nnc::Backend* nnc_create_llvm_backend() {
  static nnc::codegen::LlvmBackend backend;
  return &backend;
}
