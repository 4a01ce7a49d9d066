// linear: torch.nn.Linear, on the last dimension of an input of any rank.
#include <fmt/format.h>

#include "ops/op.h"

namespace nnc {
namespace {

bool infer_linear(InferContext& ctx) {
  const Shape& in = ctx.input();
  const Attrs& a = ctx.attrs();
  const int64_t features = in.back(), out_features = a.integer("out_features");
  // A wrong in_features is reported, but the output shape does not depend on it: carry on.
  if (a.given("in_features") && a.integer("in_features") != features) {
    std::string help = fmt::format("write in_features: {}, or leave it out to have it inferred", features);
    if (in.size() > 2) help += fmt::format(" (linear acts on the last dimension; to use all {} values per sample, "
                                           "put a flatten layer before it)", element_count(Shape(in.begin() + 1, in.end())).value_or(0));
    ctx.error("in-features-mismatch",
              fmt::format("{}: in_features is {}, but its input '{}' has {} feature{} (shape {})", ctx.what(),
                          a.integer("in_features"), ctx.input_name(), features, features == 1 ? "" : "s", to_string(in)),
              help, a.loc("in_features"));
  }
  ctx.output = in;
  ctx.output.back() = out_features;
  ctx.params.push_back({"weight", {out_features, features}});
  if (a.flag("bias")) ctx.params.push_back({"bias", {out_features}});
  auto rows = element_count(Shape(in.begin(), in.end() - 1));
  auto macs = rows ? checked::mul(*rows, features) : std::nullopt;
  if (macs) macs = checked::mul(*macs, out_features);
  if (!macs) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
  ctx.macs = *macs;
  return true;
}

}  // namespace

extern const OpDef linear_op{
    .name = "linear",
    .summary = "fully connected layer y = x W^T + b on the last dimension (torch.nn.Linear)",
    .attrs = {optional_int("in_features", 1), required_int("out_features", 1, "the number of outputs"),
              bool_attr("bias", true)},
    .infer = infer_linear,
};

}  // namespace nnc
