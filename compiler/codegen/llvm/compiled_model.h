#pragma once
// A lowered model JIT-compiled for this machine, with its parameter block and activation arena
// allocated once: run() allocates nothing.
#include <memory>
#include <vector>

#include "codegen/backend.h"
#include "codegen/llvm/jit.h"
#include "ir/ir.h"
#include "nnc/tensor.h"

namespace nnc::codegen {

class CompiledModel final : public Executable {
 public:
  using EntryPoint = void (*)(const float* input, float* output, const float* params, float* arena);

  // Generates LLVM IR, verifies it and compiles it, or loads its machine code from the ObjectCache; a failure is
  // a bug in nnc and throws.
  static std::unique_ptr<CompiledModel> compile(const ir::Module& ir_module);

  void set_parameters(Tensor packed) override { params_ = std::move(packed); }
  void run(const float* input, float* output) override { forward_(input, output, params_.data(), arena_.data()); }
  void run_step(size_t i, const float* input, float* output) override { steps_[i](input, output, params_.data(), arena_.data()); }
  size_t step_count() const override { return steps_.size(); }
  double compile_ms() const override { return compile_ms_; }
  bool from_cache() const override { return from_cache_; }

 private:
  CompiledModel() = default;

  std::unique_ptr<Jit> jit_;
  EntryPoint forward_ = nullptr;
  std::vector<EntryPoint> steps_;
  Tensor params_, arena_;
  double compile_ms_ = 0;
  bool from_cache_ = false;
};

}  // namespace nnc::codegen
