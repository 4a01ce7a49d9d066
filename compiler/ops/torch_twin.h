#pragma once
// An op's PyTorch twin: the module or function that computes the same layer, and how the layer's
// attributes and inputs reach it. `nnc ops --format json` prints it; the Python tests build their
// PyTorch models from that instead of keeping their own tables.
#include <cstdint>
#include <string>
#include <vector>

namespace nnc {

// How the layer's inputs are passed: f(x); f(f(a, b), c) for two or more; f([a, b, c]); nothing (the
// function's result, made at construction, is the layer's learned value); or as an attention
// module's m(query, key, value, need_weights=False)[0], one input standing for all three.
enum class TorchInputs { One, Fold, List, None, Attention };

// What PyTorch is given for an attribute the layer leaves out.
enum class WhenLeftOut {
  TorchDefault,  // nothing: PyTorch's default means nnc's (a test compares them)
  NncDefault,    // nnc's default, which PyTorch's differs from
  InputDim,      // the size of the first input's dimension `input_dim` (in_channels)
};

// One attribute's way into the PyTorch call. An attribute without an entry passes under its own
// name when given and is left to PyTorch's default otherwise.
struct TorchArg {
  std::string attr;
  std::string keyword;  // PyTorch's name for it, when it differs from attr
  bool dropped = false;  // PyTorch has no such argument
  WhenLeftOut when_left_out = WhenLeftOut::TorchDefault;
  int64_t input_dim = 0;
};

inline TorchArg always_passed(std::string attr) { return {.attr = std::move(attr), .when_left_out = WhenLeftOut::NncDefault}; }
inline TorchArg inferred_from_dim(std::string attr, int64_t dim) {
  return {.attr = std::move(attr), .when_left_out = WhenLeftOut::InputDim, .input_dim = dim};
}

struct TorchTwin {
  std::string module;    // a torch.nn class, built from the attributes, then called on the inputs
  std::string function;  // or a function called with the inputs and the attributes
  TorchInputs inputs = TorchInputs::One;
  std::vector<TorchArg> args;
  bool eval_mode = false;  // PyTorch computes something else in training mode
  // Where PyTorch is more lenient than nnc: nnc takes this input rank only (0: any).
  int64_t input_rank = 0;
};

}  // namespace nnc
