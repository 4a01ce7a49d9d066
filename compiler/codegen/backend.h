#pragma once
// The interface of nnc's LLVM backend, a plugin (libnnc_llvm.so) that the driver loads only for the commands that
// compile, so that `nnc check` and `nnc summary` never load LLVM. It sees a Loop IR module, nothing above it.
#include <memory>
#include <span>
#include <string>

#include "ir/ir.h"
#include "nnc/tensor.h"

namespace nnc {

// A model compiled for this machine, with its parameter block and activation arena.
class Executable {
 public:
  virtual ~Executable() = default;
  // The parameters packed as the module lays them out (pack_parameters).
  virtual void set_parameters(Tensor packed) = 0;
  // input and output hold the model's input and output element counts and do not overlap.
  virtual void run(const float* input, float* output) = 0;
  // Only the kernel of step i, reading what earlier steps left in the arena.
  virtual void run_step(size_t i, const float* input, float* output) = 0;
  virtual size_t step_count() const = 0;
  virtual double compile_ms() const = 0;
  // Whether the machine code came from the on-disk cache instead of LLVM's optimiser and code generator.
  virtual bool from_cache() const = 0;
};

// The module alone, as text to read: no parameters (the object file is the bundle's, emit_bundle).
enum class MachineCode { LlvmIr, Assembly };

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Executable> compile(const ir::Module& module) = 0;
  // Optimised LLVM IR or assembly text.
  virtual std::string emit(const ir::Module& module, MachineCode kind) = 0;
  // The bytes of the AOT bundle's object file: the code, `parameters` (the packed block, pack_parameters) as a
  // constant, and `void entry_symbol(const float* input, float* output, float* workspace)` with C linkage. It
  // links with nothing but libc and libm.
  virtual std::string emit_bundle(const ir::Module& module, std::span<const float> parameters, const std::string& entry_symbol) = 0;
};

// The plugin's one exported symbol.
extern "C" using CreateBackend = Backend* ();
inline constexpr const char* kCreateBackendSymbol = "nnc_create_llvm_backend";

}  // namespace nnc
