#pragma once
// What `run` and `bench` share: a checked model, its parameters and its input, compiled.
#include <memory>
#include <optional>
#include <string>

#include "driver/backend_loader.h"
#include "driver/commands.h"
#include "driver/memory_need.h"
#include "lower/lower.h"
#include "pipeline/model_loader.h"
#include "pipeline/parameters.h"

namespace nnc {

struct PreparedModel {
  LoadedModel model;
  LoweredModel lowered;
  ParameterSet params;
  std::unique_ptr<Executable> compiled;
  Tensor input;   // from --input, or seeded noise
  Tensor output;  // the output's shape, zeros
};

// What obtain_parameters will hold: the weights file read whole and the tensors copied out of it, or the seeded
// tensors.
void add_parameter_memory(const std::string& weights, const LoadedModel& model, MemoryNeed& need);

// The parameters `weights` (else the model's `weights:`) holds, or seeded ones; reports problems on stderr and
// on failure returns the exit status to use.
std::optional<int> obtain_parameters(const std::string& weights, int64_t seed, const LoadedModel& model, ParameterSet& out);

// Loads, checks, lowers and compiles MODEL with its weights (or seeded parameters), and reads
// or makes its input. Reports problems on stderr; on failure returns the exit status to use.
std::optional<int> prepare_model(const RunOptions& options, PreparedModel& out);

}  // namespace nnc
