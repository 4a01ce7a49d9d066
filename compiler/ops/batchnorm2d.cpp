// batchnorm2d: torch.nn.BatchNorm2d in inference mode (running statistics).
#include <fmt/format.h>

#include "ops/op.h"

namespace nnc {
namespace {

bool infer_batchnorm2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const int64_t channels = ctx.input()[1];
  ctx.check_given("num_features", channels, "channels");
  if (!(ctx.attrs().number("eps") > 0))
    return ctx.error("bad-value", fmt::format("{}: eps must be positive, but it is {}", ctx.what(), ctx.attrs().number("eps")),
                     "the usual value is 1e-5", ctx.attrs().loc("eps"));
  ctx.output = ctx.input();
  ctx.params = {{"weight", {channels}},
                {"bias", {channels}},
                {"running_mean", {channels}, false},
                {"running_var", {channels}, false}};
  return true;
}

}  // namespace

extern const OpDef batchnorm2d_op{
    .name = "batchnorm2d",
    .summary = "per-channel normalisation with running statistics (torch.nn.BatchNorm2d, eval mode)",
    .attrs = {optional_int("num_features", 1), float_attr("eps", 1e-5)},
    .infer = infer_batchnorm2d,
};

}  // namespace nnc
