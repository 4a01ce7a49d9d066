// softmax: torch.nn.Softmax(dim).
#include "ops/op.h"

namespace nnc {
namespace {

bool infer_softmax(InferContext& ctx) {
  int64_t dim = ctx.attrs().integer("dim");
  if (!ctx.normalise_dim("dim", static_cast<int64_t>(ctx.input().size()), dim)) return false;
  ctx.output = ctx.input();
  return true;
}

}  // namespace

extern const OpDef softmax_op{
    .name = "softmax",
    .summary = "exp(x) / sum(exp(x)) along dim (torch.nn.Softmax)",
    .attrs = {int_attr("dim", 1)},
    .infer = infer_softmax,
};

}  // namespace nnc
