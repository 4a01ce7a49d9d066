// parameter: a learned tensor of its own (an nn.Parameter such as ViT's class_token or ConvNeXt's
// layer_scale), read by later layers like any other. It reads nothing, and its weights key is the
// layer's name itself.
#include "lower/lower_context.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct ParameterAttrs {
  Attr<std::vector<int64_t>> shape;
};

bool infer_parameter(InferContext& ctx) {
  ctx.output = ctx.attrs<ParameterAttrs>().shape.value;
  ctx.params.push_back({.key = "", .shape = ctx.output, .init = ParamInit::Normal});
  return true;
}

// The value copied from the parameter block, so that a layer reading it can be fused into the copy.
ir::Stmt lower_parameter(LowerContext& ctx) {
  const ir::Buffer& value = ctx.param("");
  return vector_loop(ctx, *element_count(ctx.output().shape), [&](const ir::Expr& i, int) { return ctx.store_output(i, ir::Load::make(value, i)); });
}

Tensor reference_parameter(const ReferenceContext& ctx) { return ctx.param("")->clone(); }

const OpDef parameter_op{
    .schema = {.name = "parameter",
               .suggested_for = {"Parameter", "param", "weight", "constant"},
               .summary = "a learned tensor of its own, initialised standard normal (torch.nn.Parameter(torch.randn(shape)))",
               .attrs = attr_schema<ParameterAttrs>({bind(&ParameterAttrs::shape, required_int_list("shape", 1, "the tensor's shape, e.g. [1, 1, 768]"))}),
               .inputs = InputForm::None,
               .infer = infer_parameter},
    .lowering = {.lower = lower_parameter, .accepts_epilogue = true},
    .reference = reference_parameter,
    .params = {{"", "[*shape]"}},
    .torch = {.function = "torch.randn", .inputs = TorchInputs::None, .args = {{.attr = "shape", .keyword = "size"}}},
};

const OpRegistration registered(parameter_op, 1050);

}  // namespace

}  // namespace nnc
