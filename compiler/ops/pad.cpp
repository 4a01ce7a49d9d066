// pad: torch.nn.functional.pad, which pads (or with negative sizes crops) the last dims of its
// input with a constant or with the input's own edges.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "lower/lower_context.h"
#include "nnc/reference.h"
#include "ops/op.h"
#include "ops/window.h"

namespace nnc {
namespace {

struct PadAttrs {
  Attr<std::vector<int64_t>> pad;
  Attr<ref::PaddingMode> mode;  // `constant` is zeros' place, filled with `value`
  Attr<double> value;
};

const char* mode_name(ref::PaddingMode mode) {
  switch (mode) {
    case ref::PaddingMode::zeros: return "constant";
    case ref::PaddingMode::reflect: return "reflect";
    case ref::PaddingMode::replicate: return "replicate";
    case ref::PaddingMode::circular: return "circular";
  }
  return "";
}

// PyTorch (1.13) pads 1 to 3 dims in the edge modes: of an input with a batch and a channel dim,
// or (reflect, replicate) with a channel dim only.
bool edge_mode_takes(ref::PaddingMode mode, int64_t pairs, int64_t rank) {
  if (pairs < 1 || pairs > 3) return false;
  return rank == pairs + 2 || (mode != ref::PaddingMode::circular && rank == pairs + 1);
}

std::string edge_mode_help(ref::PaddingMode mode, int64_t rank) {
  std::vector<std::string> counts;
  for (int64_t pairs = 1; pairs <= 3; ++pairs)
    if (edge_mode_takes(mode, pairs, rank)) counts.push_back(std::to_string(2 * pairs));
  if (counts.empty()) return fmt::format("mode {} pads inputs of rank 2 to 5 only; mode: constant pads any input", mode_name(mode));
  return fmt::format("for an input of rank {}, give pad {} entries, or use mode: constant", rank, fmt::join(counts, " or "));
}

bool infer_pad(InferContext& ctx) {
  const PadAttrs& a = ctx.attrs<PadAttrs>();
  const std::vector<int64_t>& pad = a.pad.value;
  const ref::PaddingMode mode = a.mode.value;
  const Shape& in = ctx.input();
  const int64_t rank = static_cast<int64_t>(in.size()), pairs = static_cast<int64_t>(pad.size()) / 2;
  if (pad.size() % 2 != 0)
    return ctx.error("pad-length",
                     fmt::format("{}: pad has {} entries, but it takes two per padded dim (before, after), the last dim first", ctx.what(),
                                 pad.size()),
                     "write pad: [left, right] for the last dim, [left, right, top, bottom] for the last two", a.pad.loc);
  if (pairs > rank)
    return ctx.error("pad-length",
                     fmt::format("{}: pad has {} entries, for {} dims, but its input '{}' has only {} (shape {})", ctx.what(), pad.size(),
                                 pairs, ctx.input_name(), rank, to_string(in)),
                     fmt::format("give at most {} entries", 2 * rank), a.pad.loc);
  if (mode != ref::PaddingMode::zeros) {
    if (a.value.value != 0)
      return ctx.error("attr-not-applicable",
                       fmt::format("{}: value {} fills only mode: constant, but mode is {}", ctx.what(), a.value.value, mode_name(mode)),
                       "leave value out, or use mode: constant", a.value.loc);
    if (!edge_mode_takes(mode, pairs, rank))
      return ctx.error("rank-mismatch",
                       fmt::format("{}: mode {} with {} pad entries does not take its input '{}' of shape {}, as PyTorch does not",
                                   ctx.what(), mode_name(mode), pad.size(), ctx.input_name(), to_string(in)),
                       edge_mode_help(mode, rank), a.pad.loc);
  }
  Shape out = in;
  for (int64_t i = 0; i < pairs; ++i) {
    const int64_t dim = rank - 1 - i, size = in[dim], before = pad[2 * i], after = pad[2 * i + 1];
    if (mode == ref::PaddingMode::reflect && (before >= size || after >= size))
      return ctx.error("reflect-padding-too-large",
                       fmt::format("{}: reflect padding [{}, {}] of dim {} must be smaller than its size {} (input '{}' has shape {})",
                                   ctx.what(), before, after, dim, size, ctx.input_name(), to_string(in)),
                       fmt::format("use padding of at most {}, or mode: replicate", size - 1), a.pad.loc);
    // PyTorch crops first and wraps around what is left; wrapping more than once reads memory it has not written.
    const int64_t kept = size + std::min<int64_t>(before, 0) + std::min<int64_t>(after, 0);
    if (mode == ref::PaddingMode::circular && kept >= 1 && (before > kept || after > kept))
      return ctx.error("circular-padding-too-large",
                       fmt::format("{}: circular padding [{}, {}] would wrap around dim {} ({} after cropping) more than once",
                                   ctx.what(), before, after, dim, kept),
                       fmt::format("use padding of at most {}", kept), a.pad.loc);
    auto padded = checked::add(size, before);
    if (padded) padded = checked::add(*padded, after);
    if (!padded) return ctx.error("size-overflow", fmt::format("{}: its output size overflows 64-bit integers", ctx.what()));
    if (*padded < 1)
      return ctx.error("output-too-small",
                       fmt::format("{}: pad [{}, {}] crops dim {} of size {} to {}", ctx.what(), before, after, dim, size, *padded),
                       "crop less than the dim holds", a.pad.loc);
    out[dim] = *padded;
  }
  if (!element_count(out))
    return ctx.error("size-overflow", fmt::format("{}: its output has more than 2^56 elements, more than nnc can address", ctx.what()));
  ctx.output = out;
  return true;
}

// Each output element reads the input at its position shifted by the leading pads, mapped back
// into the input by the mode; in constant mode, positions outside the input take `value`.
ir::Stmt lower_pad(LowerContext& ctx) {
  using ir::Expr;
  const PadAttrs& a = ctx.attrs<PadAttrs>();
  const std::vector<int64_t>& pad = a.pad.value;
  const ref::PaddingMode mode = a.mode.value;
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const size_t rank = in.shape.size(), pairs = pad.size() / 2;
  const ir::ForKind kind = ctx.worth_parallel(*element_count(out.shape)) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop_nest(ctx, out.shape, [&](const std::vector<Expr>& i) {
    std::vector<Expr> source = i;
    Expr inside;
    for (size_t p = 0; p < pairs; ++p) {
      const size_t dim = rank - 1 - p;
      const int64_t before = pad[2 * p], after = pad[2 * p + 1], size = in.shape[dim];
      const Expr shifted = i[dim] - Expr(before);
      source[dim] = padded_source(mode, shifted, size);
      // circular wraps around the part that cropping leaves: [max(-before, 0), size - max(-after, 0)).
      if (mode == ref::PaddingMode::circular) {
        const int64_t first = std::max<int64_t>(-before, 0), kept = size - first - std::max<int64_t>(-after, 0);
        source[dim] = Expr(first) + (i[dim] - Expr(std::max<int64_t>(before, 0))) % Expr(kept);
      }
      const Expr in_dim = shifted >= Expr(0) && shifted < Expr(in.shape[dim]);
      inside = inside.defined() ? (inside && in_dim) : in_dim;
    }
    Expr value = ir::Load::make(in.buffer, flat_index(in.shape, source));
    if (mode == ref::PaddingMode::zeros && inside.defined()) value = ir::select(inside, value, ir::f32(static_cast<float>(a.value.value)));
    const Expr channel = rank >= 2 ? i[1] : Expr();
    return ctx.store_output(flat_index(out.shape, i), value, channel);
  }, kind);
}

Tensor reference_pad(const ReferenceContext& ctx) {
  const PadAttrs& a = ctx.attrs<PadAttrs>();
  return ref::pad(ctx.input(), a.pad.value, a.mode.value, a.value.value);
}

const OpDef pad_op{
    .schema = {.name = "pad",
               .suggested_for = {"ZeroPad2d", "ReflectionPad2d", "ReplicationPad2d", "ConstantPad2d", "ZeroPadding2D", "padding"},
               .summary = "padding or cropping of the last dims (torch.nn.functional.pad)",
               .attrs = attr_schema<PadAttrs>(
                   {bind(&PadAttrs::pad, required_int_list("pad", std::numeric_limits<int64_t>::min(),
                                                           "the sizes before and after each padded dim, last dim first, e.g. [1, 1, 2, 2]")),
                    bind(&PadAttrs::mode, choice_attr("mode", {"constant", "reflect", "replicate", "circular"}, "constant")),
                    bind(&PadAttrs::value, float_attr("value", 0.0))}),
               .infer = infer_pad},
    .lowering = {.lower = lower_pad, .accepts_epilogue = true},
    .reference = reference_pad,
    .torch = {.function = "torch.nn.functional.pad", .args = {always_passed("value")}},  // F.pad's default value is None
};

const OpRegistration registered(pad_op, 595);

}  // namespace

}  // namespace nnc
