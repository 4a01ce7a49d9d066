#pragma once
// What an op is: its schema and shape rule (with every PyTorch check as a diagnostic), its
// lowering to Loop IR and its reference kernel. Each op lives in one file under ops/, which ends
// by registering it (OpRegistration): no other list of the ops exists.
#include "graph/infer_context.h"
#include "graph/op_schema.h"
#include "lower/layer_lowering.h"
#include "ops/torch_twin.h"
#include "ops/typed_attrs.h"
#include "reference/reference_kernel.h"

namespace nnc {

// A parameter the op declares (weights key `<layer>.<name>`), for `nnc ops` and the tests: its shape as a
// formula over the attributes (pairs indexed [0], [1]; inferred attributes as inferred), and the bool
// attribute it depends on, if any.
struct ParamDecl {
  std::string name;
  std::string shape;
  std::string only_if;
};

struct OpDef {
  OpSchema schema;         // read by the front end; its shape rule run by shape inference
  LayerLowering lowering;  // used by the scheduler and lowering
  ReferenceKernel reference = nullptr;
  std::vector<ParamDecl> params;
  TorchTwin torch;
};

// Adds `op` to the registry while nnc_core loads. `order` places it in `nnc ops`, `nnc --help` and
// the docs: families in hundreds (convolution, pools, norms, linear, reshapes, activations,
// softmax, dropout, joins), members of a family in tens, so that a new op fits between two.
class OpRegistration {
 public:
  OpRegistration(const OpDef& op, int order);
};

}  // namespace nnc
