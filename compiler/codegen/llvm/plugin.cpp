// libnnc_llvm.so's entry point: the Backend the driver loads for the commands that compile.
#include <llvm/Support/raw_ostream.h>

#include "codegen/backend.h"
#include "codegen/llvm/bundle.h"
#include "codegen/llvm/codegen_llvm.h"
#include "codegen/llvm/compiled_model.h"
#include "codegen/llvm/target.h"

namespace nnc::codegen {
namespace {

class LlvmBackend final : public Backend {
 public:
  std::unique_ptr<Executable> compile(const ir::Module& ir_module) override { return CompiledModel::compile(ir_module); }

  std::string emit(const ir::Module& ir_module, MachineCode kind) override {
    initialize_llvm();
    auto target = host_target_machine();
    llvm::LLVMContext context;
    auto module = compile_to_llvm(ir_module, context, *target);
    optimize(*module, *target);
    if (kind == MachineCode::LlvmIr) {
      std::string text;
      llvm::raw_string_ostream stream(text);
      module->print(stream, nullptr);
      return stream.str();
    }
    return emit_machine_code(*module, *target, MachineCodeKind::Assembly);
  }

  std::string emit_bundle(const ir::Module& ir_module, std::span<const float> parameters, const std::string& entry_symbol) override {
    initialize_llvm();
    auto target = host_target_machine();
    llvm::LLVMContext context;
    auto module = compile_to_llvm(ir_module, context, *target);
    make_bundle(*module, ir_module.entry_name, llvm::ArrayRef<float>(parameters.data(), parameters.size()), entry_symbol);
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
