#pragma once
// The LLVM side of nnc seen from the driver: a plugin (libnnc_llvm.so) loaded only by the
// commands that compile, so that `nnc check` and `nnc summary` never load LLVM.
#include <memory>
#include <span>
#include <string>

#include "lower/lower.h"
#include "nnc/result.h"
#include "nnc/tensor.h"

namespace nnc {

// A model compiled for this machine, with its parameter block and activation arena.
class Executable {
 public:
  virtual ~Executable() = default;
  // The parameters packed as the lowered model lays them out (pack_parameters).
  virtual void set_parameters(Tensor packed) = 0;
  // input and output hold the model's input and output element counts and do not overlap.
  virtual void run(const float* input, float* output) = 0;
  // Only the kernel of step i, reading what earlier steps left in the arena.
  virtual void run_step(size_t i, const float* input, float* output) = 0;
  virtual size_t step_count() const = 0;
  virtual double compile_ms() const = 0;
};

// The module alone, as text to read: no parameters (the object file is the bundle's, emit_bundle).
enum class MachineCode { LlvmIr, Assembly };

class Backend {
 public:
  virtual ~Backend() = default;
  virtual std::unique_ptr<Executable> compile(const LoweredModel& lowered) = 0;
  // Optimised LLVM IR or assembly text.
  virtual std::string emit(const LoweredModel& lowered, MachineCode kind) = 0;
  // The bytes of the AOT bundle's object file: the code, `parameters` (the packed block, pack_parameters) as a
  // constant, and `void entry_symbol(const float* input, float* output, float* workspace)` with C linkage. It
  // links with nothing but libc and libm.
  virtual std::string emit_bundle(const LoweredModel& lowered, std::span<const float> parameters, const std::string& entry_symbol) = 0;
};

// The plugin's one exported symbol.
extern "C" using CreateBackend = Backend* ();
inline constexpr const char* kCreateBackendSymbol = "nnc_create_llvm_backend";

// Loads libnnc_llvm.so from lib/ beside the directory of nnc's executable (its real path, /proc/self/exe) on
// first use; an error when that path is unknown.
Result<Backend*> llvm_backend();

}  // namespace nnc
