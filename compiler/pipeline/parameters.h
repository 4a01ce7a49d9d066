#pragma once
// A model's parameters as tensors keyed like a PyTorch state_dict ("conv1.weight"): read from a
// safetensors file and checked against the graph, or initialised from a seed with PyTorch's
// default distributions; then packed into the compiled code's parameter block.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "lower/memory_plan.h"
#include "nnc/result.h"
#include "nnc/safetensors.h"
#include "nnc/tensor.h"

namespace nnc {

using ParameterSet = std::map<std::string, Tensor>;

// Every parameter the graph needs from `file` (already read and well-formed), with its shape and dtype F32; an
// error lists each key that is missing or differs. Keys the model does not use become `warnings`.
Result<ParameterSet> load_parameters(const Graph& graph, const SafetensorsFile& file, std::vector<std::string>& warnings);
ParameterSet init_parameters(const Graph& graph, uint64_t seed);

// The parameters laid out as `layout` says, in one 64-byte-aligned block.
Tensor pack_parameters(const ParamLayout& layout, const ParameterSet& params);

// A seeded input of the given shape, uniform in [-1, 1).
Tensor random_input(const Shape& shape, uint64_t seed);

}  // namespace nnc
