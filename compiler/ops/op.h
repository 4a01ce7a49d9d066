#pragma once
// What an op is: its schema, its shape rule (with every PyTorch check as a diagnostic), its
// parameters and its cost. Each op lives in one file under ops/ and is listed once in registry.cpp.
#include <string>
#include <vector>

#include "graph/graph.h"
#include "ir/ir.h"
#include "nnc/tensor.h"
#include "ops/attributes.h"

namespace nnc {

class LowerContext;
struct EpilogueContext;

// What shape inference hands an op's rule, and what the rule fills in.
class InferContext {
 public:
  InferContext(const Layer& layer, std::vector<const Shape*> inputs, DiagnosticEngine& diags)
      : layer_(layer), inputs_(std::move(inputs)), diags_(diags) {}

  const Layer& layer() const { return layer_; }
  const Attrs& attrs() const { return layer_.attrs; }
  size_t input_count() const { return inputs_.size(); }
  const Shape& input(size_t i = 0) const { return *inputs_[i]; }
  const std::string& input_name(size_t i = 0) const { return layer_.inputs[i].name; }
  // "conv2d 'conv1'": how messages name the layer.
  std::string what() const;

  // Reports and returns false. `loc` defaults to the layer's `op:` line.
  bool error(ErrorCode code, std::string message, std::string help = "", SourceLoc loc = {});
  void warning(WarningCode code, std::string message, std::string help = "", SourceLoc loc = {});

  // Checks the input rank; `layout` names the dimensions, e.g. "[N, C, H, W]".
  bool expect_rank(size_t rank, const char* layout);
  // A dimension index as PyTorch takes it (negative counts from the end); false if out of range.
  bool normalise_dim(const char* attr, int64_t rank, int64_t& dim);
  // Compares an optional given size (in_channels, ...) with the inferred one. A mismatch is an
  // error, but the output shape does not depend on the given size, so callers carry on.
  bool check_given(const char* attr, int64_t inferred, const std::string& what_it_is);

  // Results.
  Shape output;
  std::vector<ParamSpec> params;
  int64_t macs = 0;
  std::vector<std::string> formulas;

 private:
  const Layer& layer_;
  std::vector<const Shape*> inputs_;
  DiagnosticEngine& diags_;
};

// What an op's reference implementation sees: the layer, its input tensors and its parameters.
struct ReferenceContext {
  const Layer& layer;
  std::vector<const Tensor*> inputs;
  std::vector<const Tensor*> params;  // in the order of layer.params

  const Attrs& attrs() const { return layer.attrs; }
  const Tensor& input(size_t i = 0) const { return *inputs[i]; }
  const Tensor* param(const std::string& key) const;
};

struct OpDef {
  std::string name;
  std::string summary;            // one line for `nnc --help` and the docs
  std::vector<AttrSpec> attrs;
  bool variadic = false;          // reads `inputs: [...]` (add, concat) instead of one `input`
  size_t min_inputs = 1;
  bool (*infer)(InferContext&) = nullptr;  // fills the output shape; false after an error
  ir::Stmt (*lower)(LowerContext&) = nullptr;  // the loop nest computing the output
  // Producers whose final stores go through LowerContext::store_output, so that later layers can
  // be fused into them.
  bool accepts_epilogue = false;
  // The layer as a function of one element of its input, applied in its producer's store
  // (null: the op cannot be fused that way).
  ir::Expr (*epilogue)(const EpilogueContext&) = nullptr;
  // Floats of temporary space the lowering needs while the layer runs (null: none).
  int64_t (*scratch)(const Layer&, const std::vector<Shape>& inputs) = nullptr;
  // The runtime's naive kernel applied to this layer: the oracle the compiled code is checked against.
  Tensor (*reference)(const ReferenceContext&) = nullptr;
};

const std::vector<const OpDef*>& all_ops();
const OpDef* find_op(std::string_view name);
std::vector<std::string> op_names();

}  // namespace nnc
