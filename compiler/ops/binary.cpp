// The broadcasting binary family: add (two or more inputs, summed left to right), sub, mul and div
// (exactly two), with PyTorch's broadcasting: shapes aligned from the last dim, each pair of sizes
// equal or one of them 1.
#include <fmt/format.h>

#include <algorithm>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

// The broadcast shape of every input; the first pair that clashes is an error at the later input.
bool infer_broadcast(InferContext& ctx) {
  Shape out = ctx.input(0);
  std::vector<size_t> sized_by(out.size(), 0);  // the input that gave each dim of `out` its size
  for (size_t i = 1; i < ctx.input_count(); ++i) {
    const Shape& s = ctx.input(i);
    if (s.size() > out.size()) {
      out.insert(out.begin(), s.size() - out.size(), 1);
      sized_by.insert(sized_by.begin(), s.size() - sized_by.size(), i);
    }
    const size_t lead = out.size() - s.size();
    for (size_t d = lead; d < out.size(); ++d) {
      const int64_t size = s[d - lead];
      if (size == out[d] || size == 1) continue;
      if (out[d] == 1) {
        out[d] = size;
        sized_by[d] = i;
        continue;
      }
      const size_t j = sized_by[d];
      return ctx.error("shape-mismatch",
                       fmt::format("{}: its inputs '{}' {} and '{}' {} do not broadcast: dimension {} of the result "
                                   "would be {} from one and {} from the other",
                                   ctx.what(), ctx.input_name(j), to_string(ctx.input(j)), ctx.input_name(i), to_string(s), d,
                                   ctx.input(j)[d - (out.size() - ctx.input(j).size())], size),
                       fmt::format("broadcasting needs sizes, aligned from the last dimension, that are equal or 1: make "
                                   "the inputs agree in dimension {} (for a downsampling residual block, a 1x1 conv2d with "
                                   "stride on the shortcut)",
                                   d),
                       ctx.layer().inputs[i].loc);
    }
  }
  ctx.output = out;
  return true;
}

using ir::Expr;

// The flat index in a tensor of shape `in`, broadcast to `out`, of the element at flat `index` of
// `out`. Runs of dims that `in` has in full read one stretch of `index` each; the dims `in`
// broadcast along drop out. Equal shapes read `index` itself.
Expr broadcast_index(const Shape& in, const Shape& out, const Expr& index) {
  const size_t lead = out.size() - in.size();
  const int64_t total = *element_count(out);
  Expr sum;
  int64_t out_stride = 1, in_stride = 1;
  for (size_t d = out.size(); d-- > 0;) {
    const int64_t in_size = d < lead ? 1 : in[d - lead];
    if (in_size != out[d] || out[d] == 1) {
      out_stride *= out[d];
      continue;
    }
    // The run of dims [first, d] that `in` has in full.
    int64_t run = out[d];
    size_t first = d;
    while (first > lead && in[first - 1 - lead] == out[first - 1] && out[first - 1] != 1) run *= out[--first];
    Expr term = out_stride == 1 ? index : index / Expr(out_stride);
    if (out_stride * run != total) term = term % Expr(run);
    if (in_stride != 1) term = term * Expr(in_stride);
    sum = sum.defined() ? sum + term : term;
    out_stride *= run;
    in_stride *= run;
    d = first;
  }
  return sum.defined() ? sum : Expr(int64_t{0});
}

Expr load_broadcast(const TensorRef& in, const Shape& out, const Expr& index) {
  return ir::Load::make(in.buffer, broadcast_index(in.shape, out, index));
}

// The trailing dims of `out` along which every input is either read whole or not at all (its sizes
// there 1): a loop over them vectorises, each input read as a vector or as one value.
struct InnerRun {
  int64_t size = 1;
  size_t first_dim = 0;
  std::vector<bool> whole;  // per input: read whole along the run (else one value for all of it)
};

InnerRun uniform_inner(const std::vector<TensorRef>& inputs, const Shape& out) {
  InnerRun run{.first_dim = out.size(), .whole = std::vector<bool>(inputs.size(), false)};
  std::vector<bool> seen(inputs.size(), false);
  for (size_t d = out.size(); d-- > 0;) {
    if (out[d] == 1) continue;
    for (size_t k = 0; k < inputs.size(); ++k) {
      const Shape& in = inputs[k].shape;
      const size_t lead = out.size() - in.size();
      const bool whole = d >= lead && in[d - lead] == out[d];
      if (seen[k] && run.whole[k] != whole) return run;
    }
    for (size_t k = 0; k < inputs.size(); ++k) {
      const size_t lead = out.size() - inputs[k].shape.size();
      run.whole[k] = d >= lead && inputs[k].shape[d - lead] == out[d];
      seen[k] = true;
    }
    run.size *= out[d];
    run.first_dim = d;
  }
  return run;
}

// out = combine(the inputs' values), every input read with broadcast indexing: a vector loop over
// the flat output when the inputs broadcast only along leading dims, else a loop over the leading
// dims around a vector loop along which each input is a vector or one value (the squeeze-excitation
// gate's [N, C, 1, 1] beside [N, C, H, W]).
ir::Stmt lower_broadcast(LowerContext& ctx, const std::function<ir::Stmt(const std::vector<Expr>&, const Expr& at)>& combine) {
  std::vector<TensorRef> inputs;
  for (size_t k = 0; k < ctx.input_count(); ++k) inputs.push_back(ctx.input(k));
  const Shape& out = ctx.output().shape;
  const int64_t total = *element_count(out);
  const InnerRun run = uniform_inner(inputs, out);
  const int64_t inner = run.size;
  if (inner == total)
    return vector_loop(ctx, total, [&](const Expr& i, int) {
      std::vector<Expr> values;
      for (const TensorRef& in : inputs) values.push_back(load_broadcast(in, out, i));
      return combine(values, i);
    });
  const ir::ForKind kind = ctx.worth_parallel(total * 4) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  // The leading dims, and each input's part of them, index the run's start.
  const Shape out_outer(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(run.first_dim));
  return loop(ctx, "o", 0, total / inner, [&](const Expr& o) {
    return vector_chunks(ctx, inner, [&](const Expr& j, int64_t lanes) {
      std::vector<Expr> values;
      for (size_t k = 0; k < inputs.size(); ++k) {
        const Shape& in = inputs[k].shape;
        const size_t lead = out.size() - in.size();
        const Shape in_outer(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(std::max(run.first_dim, lead) - lead));
        const Expr start = broadcast_index(in_outer, out_outer, o);
        values.push_back(run.whole[k] ? load_lanes(inputs[k].buffer, start * Expr(inner) + j, 1, lanes)
                                      : splat(ir::Load::make(inputs[k].buffer, start), lanes));
      }
      return combine(values, lane_indices(o * Expr(inner) + j, 1, lanes));
    });
  }, kind);
}

// Summed left to right, as PyTorch's a + b + c; the partial sum is bound every few terms so that the
// expression stays shallow however many inputs there are.
ir::Stmt lower_add(LowerContext& ctx) {
  constexpr size_t kTermsPerLet = 16;
  return lower_broadcast(ctx, [&](const std::vector<Expr>& values, const Expr& at) {
    std::vector<std::pair<std::string, Expr>> partial;
    Expr sum = values[0];
    for (size_t k = 1; k < values.size(); ++k) {
      if (k % kTermsPerLet == 0) {
        partial.emplace_back(ctx.fresh_name("sum"), sum);
        sum = ir::Var::make(sum.type(), partial.back().first);
      }
      sum = sum + values[k];
    }
    return with_lets(partial, ctx.store_output(at, sum));
  });
}

// An add fused into the step computing its input of the result's shape: the others are read with
// broadcast indexing.
Expr add_epilogue(const EpilogueContext& e) {
  const Shape& out = *e.layer().shape;
  Expr sum = e.value;
  for (size_t k = 0; k < e.fused.inputs.size(); ++k)
    if (k != e.fused.chain_input) sum = sum + load_broadcast(e.fused.inputs[k], out, e.index);
  return sum;
}

Expr sub(const Expr& a, const Expr& b) { return a - b; }
Expr mul(const Expr& a, const Expr& b) { return a * b; }
Expr div(const Expr& a, const Expr& b) { return a / b; }

// out = f(a, b), both read with broadcast indexing.
template <Expr (*F)(const Expr&, const Expr&)>
ir::Stmt lower_binary(LowerContext& ctx) {
  return lower_broadcast(ctx, [&](const std::vector<Expr>& values, const Expr& at) { return ctx.store_output(at, F(values[0], values[1])); });
}

// Fused into the step computing the input of the result's shape (the squeeze-excitation gate's
// [N, C, H, W] beside its [N, C, 1, 1]); the other input is read with broadcast indexing.
template <Expr (*F)(const Expr&, const Expr&)>
Expr binary_epilogue(const EpilogueContext& e) {
  const Shape& out = *e.layer().shape;
  auto operand = [&](size_t k) { return k == e.fused.chain_input ? e.value : load_broadcast(e.fused.inputs[k], out, e.index); };
  return F(operand(0), operand(1));
}

template <Expr (*F)(const Expr&, const Expr&)>
LayerLowering binary_lowering() {
  return {.lower = lower_binary<F>, .accepts_epilogue = true, .epilogue = binary_epilogue<F>};
}

Tensor reference_add(const ReferenceContext& ctx) { return ref::add(ctx.inputs); }
Tensor reference_sub(const ReferenceContext& ctx) { return ref::sub(ctx.input(0), ctx.input(1)); }
Tensor reference_mul(const ReferenceContext& ctx) { return ref::mul(ctx.input(0), ctx.input(1)); }
Tensor reference_div(const ReferenceContext& ctx) { return ref::div(ctx.input(0), ctx.input(1)); }

OpSchema two_inputs(std::string name, std::string summary) {
  return {.name = std::move(name), .summary = std::move(summary), .inputs = InputForm::List, .min_inputs = 2, .max_inputs = 2, .infer = infer_broadcast};
}

const OpDef add_op{
    .schema = {.name = "add",
               .suggested_for = {"sum"},
               .summary = "elementwise sum of two or more tensors, broadcast (residual connections; torch.add)",
               .inputs = InputForm::List,
               .min_inputs = 2,
               .infer = infer_broadcast},
    .lowering = {.lower = lower_add, .accepts_epilogue = true, .epilogue = add_epilogue},
    .reference = reference_add,
    .torch = {.function = "torch.add", .inputs = TorchInputs::Fold},
};
const OpDef sub_op{.schema = two_inputs("sub", "a - b, broadcast (torch.sub)"),
                   .lowering = binary_lowering<sub>(),
                   .reference = reference_sub,
                   .torch = {.function = "torch.sub", .inputs = TorchInputs::Fold}};
const OpDef mul_op{.schema = two_inputs("mul", "a * b, broadcast (the squeeze-excitation gate, layer scale; torch.mul)"),
                   .lowering = binary_lowering<mul>(),
                   .reference = reference_mul,
                   .torch = {.function = "torch.mul", .inputs = TorchInputs::Fold}};
const OpDef div_op{.schema = two_inputs("div", "a / b, broadcast (torch.div)"),
                   .lowering = binary_lowering<div>(),
                   .reference = reference_div,
                   .torch = {.function = "torch.div", .inputs = TorchInputs::Fold}};

const OpRegistration registered[] = {{add_op, 900}, {sub_op, 903}, {mul_op, 905}, {div_op, 907}};

}  // namespace

}  // namespace nnc
