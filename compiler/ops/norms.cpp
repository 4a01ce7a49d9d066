// Norms with the input's own statistics: layernorm (torch.nn.LayerNorm), groupnorm
// (torch.nn.GroupNorm) and instancenorm2d (torch.nn.InstanceNorm2d without running statistics).
// Each normalises runs of consecutive elements: the last dims, a group of channels, one channel.
#include <fmt/format.h>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct LayerNormAttrs {
  Attr<std::vector<int64_t>> normalized_shape;
  Attr<double> eps;
  Attr<bool> elementwise_affine;
};

struct GroupNormAttrs {
  Attr<int64_t> num_groups;
  Attr<int64_t> num_channels;
  Attr<double> eps;
  Attr<bool> affine;
};

struct InstanceNormAttrs {
  Attr<int64_t> num_features;
  Attr<double> eps;
  Attr<bool> affine;
};

bool check_eps(InferContext& ctx, const Attr<double>& eps) {
  if (eps.value > 0) return true;
  return ctx.error("bad-value", fmt::format("{}: eps must be positive, but it is {}", ctx.what(), eps.value),
                   "the usual value is 1e-5", eps.loc);
}

int64_t spatial_size(const Shape& s) { return element_count(Shape(s.begin() + 2, s.end())).value_or(1); }

// PyTorch refuses statistics over single values, which would normalise every value to 0.
bool single_values(InferContext& ctx, const std::string& why) {
  return ctx.error("single-value-norm",
                   fmt::format("{}: its input '{}' has shape {}, so {}, which PyTorch refuses (every value would normalise to 0)",
                               ctx.what(), ctx.input_name(), to_string(ctx.input()), why),
                   "normalise a larger input, or leave the layer out");
}

// weight 1 and bias 0 of `shape`, as PyTorch initialises a norm's affine.
std::vector<ParamSpec> affine_params(const Shape& shape) { return {{"weight", shape, true, 1.0f}, {"bias", shape, true, 0.0f}}; }

bool infer_layernorm(InferContext& ctx) {
  const LayerNormAttrs& a = ctx.attrs<LayerNormAttrs>();
  const Shape& in = ctx.input();
  const Shape& normalized = a.normalized_shape.value;
  const size_t dims = normalized.size();
  if (dims > in.size() || !std::equal(normalized.begin(), normalized.end(), in.end() - static_cast<std::ptrdiff_t>(dims))) {
    const size_t last = std::min(dims, in.size());
    const Shape suggestion(in.end() - static_cast<std::ptrdiff_t>(last), in.end());
    return ctx.error("normalized-shape-mismatch",
                     fmt::format("{}: normalized_shape {} must be the last dims of its input '{}', but that has shape {}", ctx.what(),
                                 to_string(normalized), ctx.input_name(), to_string(in)),
                     fmt::format("write normalized_shape: {} (the input's {})", to_string(suggestion),
                                 last == 1 ? std::string("last dim") : fmt::format("last {} dims", last)),
                     a.normalized_shape.loc);
  }
  if (!check_eps(ctx, a.eps)) return false;
  ctx.output = in;
  if (a.elementwise_affine.value) ctx.params = affine_params(normalized);
  return true;
}

bool infer_groupnorm(InferContext& ctx) {
  const GroupNormAttrs& a = ctx.attrs<GroupNormAttrs>();
  const Shape& in = ctx.input();
  if (in.size() < 2)
    return ctx.error("rank-mismatch",
                     fmt::format("{} expects an input [N, C, ...] of 2 or more dims, but its input '{}' has shape {}", ctx.what(),
                                 ctx.input_name(), to_string(in)),
                     "groupnorm normalises groups of channels: give it [N, C], [N, C, L] or [N, C, H, W]", ctx.layer().inputs[0].loc);
  const int64_t channels = in[1];
  ctx.check_given(a.num_channels, channels, "channels");
  if (channels % a.num_groups.value != 0) {
    return ctx.error("num-groups-mismatch",
                     fmt::format("{}: num_groups {} does not divide the {} channels of its input '{}' (shape {})", ctx.what(),
                                 a.num_groups.value, channels, ctx.input_name(), to_string(in)),
                     fmt::format("use a num_groups that divides {}: {}", channels, divisors_text(channels)),
                     a.num_groups.loc);
  }
  if (in[0] * (channels / a.num_groups.value) * spatial_size(in) == 1)
    return single_values(ctx, "each group of the batch holds one value");
  if (!check_eps(ctx, a.eps)) return false;
  ctx.output = in;
  if (a.affine.value) ctx.params = affine_params({channels});
  return true;
}

bool infer_instancenorm2d(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const InstanceNormAttrs& a = ctx.attrs<InstanceNormAttrs>();
  const int64_t channels = ctx.input()[1];
  ctx.check_given(a.num_features, channels, "channels");
  if (spatial_size(ctx.input()) == 1) return single_values(ctx, "each channel of each image holds one value");
  if (!check_eps(ctx, a.eps)) return false;
  ctx.output = ctx.input();
  if (a.affine.value) ctx.params = affine_params({channels});
  return true;
}

// `runs` consecutive runs of `size` elements, each normalised by its own statistics. A run is
// `size / per_param` stretches of `per_param` elements sharing one weight and bias; run r takes
// those of parameter group r % param_groups.
struct Runs {
  int64_t runs = 1, size = 1;
  int64_t per_param = 1, param_groups = 1;
  double eps = 1e-5;
  bool affine = false;
  bool param_is_channel = false;  // the parameter index is the output's dim 1, which fused epilogues read
};

// Per run, while it stays in cache: the mean (summed relative to the run's first value), the biased variance (a
// second pass, as PyTorch's), then the normalising store with the affine and any fused epilogue. Each pass runs
// along the run in vectors, the sums in 16 partial sums added up at the end.
ir::Stmt lower_runs(LowerContext& ctx, const Runs& l) {
  using ir::Expr;
  const TensorRef& in = ctx.input();
  ir::Buffer acc = ir::local_buffer(ctx.fresh_name("acc"), 2);  // [mean, 1 / sqrt(var + eps)]
  ir::Buffer partial = ir::local_buffer(ctx.fresh_name("partial"), 16);
  const Expr mean = ir::Load::make(acc, 0), inv_std = ir::Load::make(acc, 1);
  const Expr size = ir::f32(static_cast<float>(l.size));
  const int64_t stretches = l.size / l.per_param;
  const ir::ForKind kind = ctx.worth_parallel(l.runs * l.size) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop(
      ctx, "run", 0, l.runs,
      [&](const Expr& r) {
        auto at = [&](const Expr& i, int64_t lanes) { return lane_indices(r * Expr(l.size) + i, 1, lanes); };
        auto x = [&](const Expr& i, int64_t lanes) { return ir::Load::make(in.buffer, at(i, lanes)); };
        // acc[slot] = the sum of term(i, lanes) over the run.
        auto sum = [&](int64_t slot, const std::function<Expr(const Expr&, int64_t)>& term) {
          ir::Stmt body = vector_chunks(ctx, l.size, [&](const Expr& i, int64_t lanes) {
            if (lanes == 16) return store_lanes(partial, load_lanes(partial, Expr(0), 1, 16) + term(i, lanes), Expr(0), 16);
            Expr rest = term(i, lanes);
            return ir::Store::make(acc, ir::Load::make(acc, slot) + (lanes > 1 ? ir::ReduceAdd::make(rest) : rest), Expr(slot));
          });
          return ir::Block::make({store_lanes(partial, splat(ir::f32(0), 16), Expr(0), 16), ir::Store::make(acc, ir::f32(0), Expr(slot)), body,
                                  ir::Store::make(acc, ir::Load::make(acc, slot) + ir::ReduceAdd::make(load_lanes(partial, Expr(0), 1, 16)), Expr(slot))});
        };
        // The sum is of x - x[0], the mean x[0] plus its average: a constant run then has its own value as its mean,
        // exactly, and each x - mean is zero, as PyTorch's (float rounding would leave a residue that a small
        // variance turns into a visible error).
        const Expr shift = ir::Load::make(in.buffer, r * Expr(l.size));
        ir::Stmt sums = sum(0, [&](const Expr& i, int64_t lanes) { return x(i, lanes) - splat(shift, lanes); });
        ir::Stmt squares = sum(1, [&](const Expr& i, int64_t lanes) {
          Expr d = x(i, lanes) - splat(mean, lanes);
          return d * d;
        });
        // Normalises `count` elements from `first`, scaled and shifted by param(key, j, lanes), the
        // weight's or bias's values for elements first + j onwards.
        using ParamValues = std::function<Expr(const std::string&, const Expr&, int64_t)>;
        auto normalise = [&](const Expr& first, int64_t count, const ParamValues& param, const Expr& channel) {
          return vector_chunks(ctx, count, [&](const Expr& j, int64_t lanes) {
            const Expr i = first + j;
            Expr y = (x(i, lanes) - splat(mean, lanes)) * splat(inv_std, lanes);
            if (l.affine) y = y * param("weight", j, lanes) + param("bias", j, lanes);
            return ctx.store_output(at(i, lanes), y, channel);
          });
        };
        const Expr first_param = l.param_groups == 1 ? Expr(0) : r % Expr(l.param_groups) * Expr(stretches);
        ir::Stmt store;
        if (l.per_param == 1) {
          store = normalise(Expr(0), l.size,
                            [&](const std::string& key, const Expr& j, int64_t lanes) { return load_lanes(ctx.param(key), first_param + j, 1, lanes); },
                            Expr());
        } else {
          store = loop(ctx, "c", 0, stretches, [&](const Expr& c) {
            const Expr p = first_param + c;
            return normalise(c * Expr(l.per_param), l.per_param,
                             [&](const std::string& key, const Expr&, int64_t lanes) { return splat(ir::Load::make(ctx.param(key), p), lanes); },
                             l.param_is_channel ? p : Expr());
          });
        }
        const Expr variance = ir::Load::make(acc, 1) / size;
        return ir::Allocate::make(
            acc, ir::Allocate::make(partial, ir::Block::make({sums, ir::Store::make(acc, shift + mean / size, Expr(0)), squares,
                                                              ir::Store::make(acc, ir::f32(1) / ir::call(ir::Intrinsic::Sqrt, variance + ir::f32(static_cast<float>(l.eps))), Expr(1)),
                                                              store})));
      },
      kind);
}

// Groups of channels of an input [N, C, ...]: a run is one group of one sample, a stretch one channel.
Runs channel_group_runs(const Shape& s, int64_t groups, double eps, bool affine) {
  const int64_t spatial = spatial_size(s);
  return {.runs = s[0] * groups,
          .size = s[1] / groups * spatial,
          .per_param = spatial,
          .param_groups = groups,
          .eps = eps,
          .affine = affine,
          .param_is_channel = true};
}

ir::Stmt lower_layernorm(LowerContext& ctx) {
  const LayerNormAttrs& a = ctx.attrs<LayerNormAttrs>();
  const Shape& s = ctx.input().shape;
  const int64_t size = element_count(a.normalized_shape.value).value_or(1);
  return lower_runs(ctx, {.runs = element_count(s).value_or(0) / size,
                          .size = size,
                          .eps = a.eps.value,
                          .affine = a.elementwise_affine.value});
}

ir::Stmt lower_groupnorm(LowerContext& ctx) {
  const GroupNormAttrs& a = ctx.attrs<GroupNormAttrs>();
  return lower_runs(ctx, channel_group_runs(ctx.input().shape, a.num_groups.value, a.eps.value, a.affine.value));
}

ir::Stmt lower_instancenorm2d(LowerContext& ctx) {
  const InstanceNormAttrs& a = ctx.attrs<InstanceNormAttrs>();
  const Shape& s = ctx.input().shape;
  return lower_runs(ctx, channel_group_runs(s, s[1], a.eps.value, a.affine.value));
}

Tensor reference_layernorm(const ReferenceContext& ctx) {
  const LayerNormAttrs& a = ctx.attrs<LayerNormAttrs>();
  return ref::layernorm(ctx.input(), a.normalized_shape.value, ctx.param("weight"), ctx.param("bias"), a.eps.value);
}

Tensor reference_groupnorm(const ReferenceContext& ctx) {
  const GroupNormAttrs& a = ctx.attrs<GroupNormAttrs>();
  return ref::groupnorm(ctx.input(), a.num_groups.value, ctx.param("weight"), ctx.param("bias"), a.eps.value);
}

Tensor reference_instancenorm2d(const ReferenceContext& ctx) {
  return ref::instancenorm2d(ctx.input(), ctx.param("weight"), ctx.param("bias"), ctx.attrs<InstanceNormAttrs>().eps.value);
}

const OpDef layernorm_op{
    .schema = {.name = "layernorm",
               .suggested_for = {"layer_norm", "LayerNorm", "ln"},
               .summary = "normalisation over the last dims with each sample's own statistics (torch.nn.LayerNorm)",
               .attrs = attr_schema<LayerNormAttrs>(
                   {bind(&LayerNormAttrs::normalized_shape, required_int_list("normalized_shape", 1, "the sizes of the last dims, e.g. 768 or [7, 7, 96]")),
                    bind(&LayerNormAttrs::eps, float_attr("eps", 1e-5)),
                    bind(&LayerNormAttrs::elementwise_affine, bool_attr("elementwise_affine", true))}),
               .infer = infer_layernorm},
    .lowering = {.lower = lower_layernorm, .accepts_epilogue = true},
    .reference = reference_layernorm,
    .params = {{"weight", "[*normalized_shape]", "elementwise_affine"}, {"bias", "[*normalized_shape]", "elementwise_affine"}},
    .torch = {.module = "torch.nn.LayerNorm"},
};

const OpDef groupnorm_op{
    .schema = {.name = "groupnorm",
               .suggested_for = {"group_norm", "GroupNorm", "gn"},
               .summary = "normalisation over groups of channels with each sample's own statistics (torch.nn.GroupNorm)",
               .attrs = attr_schema<GroupNormAttrs>({bind(&GroupNormAttrs::num_groups, required_int("num_groups", 1, "how many groups the channels are split into, e.g. 32")),
                                                     bind(&GroupNormAttrs::num_channels, optional_int("num_channels", 1)),
                                                     bind(&GroupNormAttrs::eps, float_attr("eps", 1e-5)),
                                                     bind(&GroupNormAttrs::affine, bool_attr("affine", true))}),
               .infer = infer_groupnorm},
    .lowering = {.lower = lower_groupnorm, .accepts_epilogue = true},
    .reference = reference_groupnorm,
    .params = {{"weight", "[num_channels]", "affine"}, {"bias", "[num_channels]", "affine"}},
    .torch = {.module = "torch.nn.GroupNorm", .args = {inferred_from_dim("num_channels", 1)}},
};

const OpDef instancenorm2d_op{
    .schema = {.name = "instancenorm2d",
               .suggested_for = {"instance_norm", "InstanceNorm2d", "instancenorm"},
               .summary = "per-channel normalisation with each sample's own statistics (torch.nn.InstanceNorm2d)",
               .attrs = attr_schema<InstanceNormAttrs>({bind(&InstanceNormAttrs::num_features, optional_int("num_features", 1)),
                                                        bind(&InstanceNormAttrs::eps, float_attr("eps", 1e-5)),
                                                        bind(&InstanceNormAttrs::affine, bool_attr("affine", false))}),
               .infer = infer_instancenorm2d},
    .lowering = {.lower = lower_instancenorm2d, .accepts_epilogue = true},
    .reference = reference_instancenorm2d,
    .params = {{"weight", "[num_features]", "affine"}, {"bias", "[num_features]", "affine"}},
    .torch = {.module = "torch.nn.InstanceNorm2d", .args = {inferred_from_dim("num_features", 1)}, .eval_mode = true, .input_rank = 4},
};

const OpRegistration registered[] = {{layernorm_op, 310}, {groupnorm_op, 320}, {instancenorm2d_op, 330}};

}  // namespace

}  // namespace nnc
