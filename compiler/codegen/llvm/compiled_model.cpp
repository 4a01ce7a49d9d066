#include "codegen/llvm/compiled_model.h"

#include <chrono>
#include <optional>

#include "codegen/llvm/codegen_llvm.h"
#include "codegen/llvm/object_cache.h"
#include "codegen/llvm/target.h"
#include "support/internal_error.h"

namespace nnc::codegen {

namespace {

template <typename T>
T checked(llvm::Expected<T> value, const char* what) {
  if (!value) internal_error(std::string(what) + ": " + llvm::toString(value.takeError()));
  return std::move(*value);
}

}  // namespace

std::unique_ptr<CompiledModel> CompiledModel::compile(const ir::Module& ir_module) {
  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<CompiledModel> model(new CompiledModel());
  model->jit_ = checked(Jit::create(), "cannot start LLVM's JIT");
  llvm::LLVMContext context;
  auto module = compile_to_llvm(ir_module, context, model->jit_->target(), true);
  const ObjectCache cache = ObjectCache::from_environment();
  const std::string key = cache.enabled() ? cache.key(*module, model->jit_->target()) : "";
  std::optional<std::string> object = cache.enabled() ? cache.load(key) : std::nullopt;
  model->from_cache_ = object.has_value();
  if (!object) {
    optimize(*module, model->jit_->target());
    object = emit_machine_code(*module, model->jit_->target(), MachineCodeKind::Object);
    if (cache.enabled()) cache.store(key, *object);
  }
  if (auto err = model->jit_->add_object(*object)) internal_error("the JIT rejected the module: " + llvm::toString(std::move(err)));
  model->forward_ = reinterpret_cast<EntryPoint>(checked(model->jit_->lookup(ir_module.entry_name), "cannot compile the model"));
  for (size_t i = 0; i < ir_module.entry.size(); ++i)
    model->steps_.push_back(reinterpret_cast<EntryPoint>(checked(model->jit_->lookup(step_function_name(ir_module, i)), "cannot compile a layer")));
  model->arena_ = Tensor(Shape{std::max<int64_t>(ir_module.arena_floats, 1)});
  model->compile_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return model;
}

}  // namespace nnc::codegen
