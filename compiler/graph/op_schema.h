#pragma once
// What the front end needs to read a layer of an op, and what shape inference runs on it: the
// op's names, its attribute schema and decoder, how it reads its inputs, and its shape rule. The
// ops fill these in (ops/op.h); the graph never knows the ops themselves.
#include <any>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "graph/attributes.h"

namespace nnc {

class InferContext;

struct AttrSchema {
  std::vector<AttrSpec> specs;
  // The values read, defaults filled in, as the op's own attribute struct (empty for an op
  // without attributes).
  std::function<std::any(const Attrs&)> decode = [](const Attrs&) { return std::any(); };
};

// How a layer of the op names the tensors it reads.
enum class InputForm {
  One,        // `input: NAME`, by default the layer before
  List,       // `inputs: [a, b, ...]` (add, concat)
  OneOrList,  // either: `input: X`, or `inputs: [...]` (multihead_attention's self- or cross-attention)
  None,       // nothing: the layer is a value of its own (parameter)
};

// Whether the op reads `inputs: [...]` / `input: NAME`.
bool reads_list(InputForm form);
bool reads_one(InputForm form);

struct OpSchema {
  std::string name;
  std::vector<std::string> aliases;        // other names the reader accepts for the op
  std::vector<std::string> suggested_for;  // names from PyTorch or Keras, answered with "did you mean"
  std::string summary;
  AttrSchema attrs;
  InputForm inputs = InputForm::One;
  size_t min_inputs = 1;  // in `inputs: [...]`
  size_t max_inputs = 0;  // 0: as many as the model format allows
  bool (*infer)(InferContext&) = nullptr;  // fills the output shape; false after an error
};

// Every op the reader knows, in the registry's order.
using OpSchemas = std::span<const OpSchema* const>;

// The op called `name` or with `name` among its aliases; null when there is none.
const OpSchema* find_schema(OpSchemas ops, std::string_view name);

}  // namespace nnc
