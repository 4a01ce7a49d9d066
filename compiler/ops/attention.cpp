// multihead_attention: torch.nn.MultiheadAttention(embed_dim, num_heads, bias, batch_first) called
// as m(query, key, value, need_weights=False)[0] (torchvision's ViT calls it so): `input: X` for
// self-attention, `inputs: [query, key, value]` for cross-attention. kdim = vdim = embed_dim.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "lower/lower_context.h"
#include "lower/matrix_tiles.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"

namespace nnc {
namespace {

struct AttentionAttrs {
  Attr<int64_t> embed_dim, num_heads;
  Attr<bool> bias, batch_first;
};

// The sizes of one call: batch, query length L, key and value length S, embed_dim, heads.
struct AttentionSizes {
  int64_t batch = 1, queries = 1, keys = 1, embed = 1, heads = 1;
  bool batch_first = true;
  int64_t head_dim() const { return embed / heads; }
};

AttentionSizes attention_sizes(const Shape& query, const Shape& key, const AttentionAttrs& a) {
  const size_t batch_dim = a.batch_first.value ? 0 : 1, length_dim = 1 - batch_dim;
  return {query[batch_dim], query[length_dim], key[length_dim], query[2], a.num_heads.value, a.batch_first.value};
}

bool infer_attention(InferContext& ctx) {
  const AttentionAttrs& a = ctx.attrs<AttentionAttrs>();
  const char* layout = a.batch_first.value ? "[N, L, E]" : "[L, N, E]";
  for (size_t i = 0; i < ctx.input_count(); ++i)
    if (ctx.input(i).size() != 3)
      return ctx.error("rank-mismatch",
                       fmt::format("{} expects 3-D inputs {}, but its input '{}' has shape {}", ctx.what(), layout, ctx.input_name(i),
                                   to_string(ctx.input(i))),
                       a.batch_first.value ? "give it tokens [batch, length, embed_dim] (batch_first: false takes [length, batch, embed_dim])"
                                           : "give it tokens [length, batch, embed_dim] (or [batch, length, embed_dim] with batch_first: true)",
                       ctx.layer().inputs[i].loc);
  const Shape& query = ctx.input(0);
  const int64_t embed = query[2];
  ctx.check_given(a.embed_dim, embed, "features in its last dim");
  if (embed % a.num_heads.value != 0)
    return ctx.error("num-heads-mismatch",
                     fmt::format("{}: num_heads {} does not divide embed_dim {} (the last dim of its query '{}', shape {})", ctx.what(),
                                 a.num_heads.value, embed, ctx.input_name(0), to_string(query)),
                     fmt::format("use a num_heads that divides {}: {}", embed, divisors_text(embed)), a.num_heads.loc);
  if (ctx.input_count() == 3) {
    const Shape &key = ctx.input(1), &value = ctx.input(2);
    const size_t batch_dim = a.batch_first.value ? 0 : 1;
    for (size_t i : {1, 2}) {
      const Shape& s = ctx.input(i);
      const bool fits = s[2] == embed && s[batch_dim] == query[batch_dim] && s == key;
      if (!fits)
        return ctx.error("attention-mismatch",
                         fmt::format("{}: its query '{}' {}, key '{}' {} and value '{}' {} do not fit: key and value need one shape, "
                                     "with the query's batch size and embed_dim (each is {})",
                                     ctx.what(), ctx.input_name(0), to_string(query), ctx.input_name(1), to_string(key), ctx.input_name(2),
                                     to_string(value), layout),
                         fmt::format("give key and value the shape {} with any length", a.batch_first.value
                                                                                        ? fmt::format("[{}, S, {}]", query[0], embed)
                                                                                        : fmt::format("[S, {}, {}]", query[1], embed)),
                         ctx.layer().inputs[i].loc);
    }
  }
  const AttentionSizes n = attention_sizes(query, ctx.input(ctx.input_count() - 1), a);
  ctx.output = query;
  ctx.params = {{.key = "in_proj_weight", .shape = {3 * embed, embed}, .init = ParamInit::XavierUniform}};
  if (a.bias.value) ctx.params.push_back({.key = "in_proj_bias", .shape = {3 * embed}, .fill = 0.0f});
  ctx.params.push_back({.key = "out_proj.weight", .shape = {embed, embed}});
  if (a.bias.value) ctx.params.push_back({.key = "out_proj.bias", .shape = {embed}, .fill = 0.0f});
  // The projections of L queries, S keys and S values and the output; the scores and their products with V.
  auto macs = checked::mul(n.batch, embed);
  if (macs) macs = checked::mul(*macs, 2 * (n.queries + n.keys) * embed + 2 * n.queries * n.keys);
  if (!macs) return ctx.error("size-overflow", fmt::format("{}: its multiply-add count overflows 64-bit integers", ctx.what()));
  ctx.macs = *macs;
  return true;
}

using ir::Expr;

// Where the rows of an [N, L, E] or [L, N, E] tensor go: row (n, l) of batch n at
// batch_offset(n) + l * row_stride.
struct TokenLayout {
  int64_t length = 1, batch = 1, embed = 1;
  bool batch_first = true;
  int64_t row_stride() const { return batch_first ? embed : batch * embed; }
  Expr batch_offset(const Expr& n) const { return n * Expr(batch_first ? length * embed : embed); }
};

// The floats of scratch one call needs: Q, K, V, the heads' outputs and each (batch, head)'s scores.
struct ScratchPlan {
  int64_t q = 0, k = 0, v = 0, heads = 0, scores = 0, total = 0;
};

ScratchPlan scratch_plan(const AttentionSizes& s) {
  ScratchPlan p;
  const int64_t queries = s.batch * s.queries * s.embed, keys = s.batch * s.keys * s.embed;
  p.k = p.q + queries;
  p.v = p.k + keys;
  p.heads = p.v + keys;
  p.scores = p.heads + queries;
  p.total = p.scores + s.batch * s.heads * s.queries * s.keys;
  return p;
}

int64_t attention_scratch(const Layer& layer, const std::vector<Shape>& inputs) {
  return scratch_plan(attention_sizes(inputs[0], inputs.back(), attrs_of<AttentionAttrs>(layer))).total;
}

// Whether the projections' weights are packed for packed_tiles: E fills whole vectors, so each part
// of in_proj_weight starts at a whole vector.
bool packs_projections(int64_t embed) { return embed % kPackedColumns == 0; }

int64_t attention_param_row_block(const Layer& layer, const std::vector<Shape>&, const std::string& param) {
  const bool projection = param == "in_proj_weight" || param == "out_proj.weight";
  return projection && packs_projections(layer.shape->back()) ? kPackedColumns : 0;
}

// rows x E = rows x E times part `part` (0: query, 1: key, 2: value) of in_proj_weight, plus its bias.
ir::Stmt project(LowerContext& ctx, const ir::Buffer& in, int64_t rows, int64_t part, int64_t to, const AttentionSizes& s) {
  const ir::Buffer& scratch = ctx.scratch();
  const int64_t e = s.embed;
  const bool bias = ctx.attrs<AttentionAttrs>().bias.value;
  auto store = [&](const Expr& r, const Expr& o, const Expr& sum, int64_t lanes) {
    Expr value = bias ? load_lanes(ctx.param("in_proj_bias"), Expr(part * e) + o, 1, lanes) + sum : sum;
    return ir::Store::make(scratch, value, lane_indices(Expr(to) + r * Expr(e) + o, 1, lanes));
  };
  const ir::ForKind kind = ctx.worth_parallel(rows * e * e) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  if (packs_projections(e)) return packed_tiles(ctx, {in, e}, {ctx.param("in_proj_weight"), part * e * e}, {rows, e, e}, store, kind);
  return dot_tiles(ctx, {in, e}, {ctx.param("in_proj_weight"), e, Expr(part * e * e)}, {rows, e, e}, store, kind);
}

// Max-subtracted softmax of each row of a rows x columns block of `buffer` from `at`, in place.
ir::Stmt softmax_rows(LowerContext& ctx, const ir::Buffer& buffer, const Expr& at, int64_t rows, int64_t columns) {
  ir::Buffer acc = ir::local_buffer(ctx.fresh_name("acc"), 2);  // [max, sum]
  const Expr max = ir::Load::make(acc, 0), sum = ir::Load::make(acc, 1);
  return loop(ctx, "l", 0, rows, [&](const Expr& l) {
    auto x = [&](const Expr& j) { return at + l * Expr(columns) + j; };
    ir::Stmt find_max = loop(ctx, "j", 0, columns, [&](const Expr& j) {
      Expr v = ir::Load::make(buffer, x(j));
      return ir::Store::make(acc, ir::select(v > max || v != v, v, max), Expr(0));
    });
    ir::Stmt exps = loop(ctx, "j", 0, columns, [&](const Expr& j) {
      return ir::Block::make({ir::Store::make(buffer, ir::call(ir::Intrinsic::Exp, ir::Load::make(buffer, x(j)) - max), x(j)),
                              ir::Store::make(acc, sum + ir::Load::make(buffer, x(j)), Expr(1))});
    });
    ir::Stmt normalise = loop(ctx, "j", 0, columns, [&](const Expr& j) { return ir::Store::make(buffer, ir::Load::make(buffer, x(j)) / sum, x(j)); });
    return ir::Allocate::make(acc, ir::Block::make({ir::Store::make(acc, ir::f32(-std::numeric_limits<float>::infinity()), Expr(0)), find_max,
                                                    ir::Store::make(acc, ir::f32(0), Expr(1)), exps, normalise}));
  });
}

// Q, K and V projected into the scratch (rows in the input's own order); per batch and head, the
// scores Q K^T / sqrt(head_dim), their softmax and the product with V into the heads' outputs; then
// the output projection. Every product goes through the register tiles.
ir::Stmt lower_attention(LowerContext& ctx) {
  const AttentionAttrs& a = ctx.attrs<AttentionAttrs>();
  const TensorRef &query = ctx.input(0), &key = ctx.input(ctx.input_count() == 3 ? 1 : 0), &value = ctx.input(ctx.input_count() - 1);
  const AttentionSizes s = attention_sizes(query.shape, value.shape, a);
  const ScratchPlan plan = scratch_plan(s);
  const ir::Buffer& scratch = ctx.scratch();
  const int64_t e = s.embed, hd = s.head_dim(), queries = s.batch * s.queries, keys = s.batch * s.keys;
  const TokenLayout q_layout{s.queries, s.batch, e, s.batch_first}, k_layout{s.keys, s.batch, e, s.batch_first};
  const Expr scale = ir::f32(static_cast<float>(1.0 / std::sqrt(static_cast<double>(hd))));

  std::vector<ir::Stmt> steps = {project(ctx, query.buffer, queries, 0, plan.q, s), project(ctx, key.buffer, keys, 1, plan.k, s),
                                 project(ctx, value.buffer, keys, 2, plan.v, s)};
  const ir::ForKind kind = ctx.worth_parallel(queries * s.keys * e) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  steps.push_back(loop(ctx, "nh", 0, s.batch * s.heads, [&](const Expr& nh) {
    const Expr n = nh / Expr(s.heads), head = (nh % Expr(s.heads)) * Expr(hd);
    const Expr scores = Expr(plan.scores) + nh * Expr(s.queries * s.keys);
    const MatrixRef q{scratch, q_layout.row_stride(), Expr(plan.q) + q_layout.batch_offset(n) + head};
    const MatrixRef k{scratch, k_layout.row_stride(), Expr(plan.k) + k_layout.batch_offset(n) + head};
    const MatrixRef v{scratch, k_layout.row_stride(), Expr(plan.v) + k_layout.batch_offset(n) + head};
    const MatrixRef p{scratch, s.keys, scores};
    const Expr out = Expr(plan.heads) + q_layout.batch_offset(n) + head;
    auto store_score = [&](const Expr& l, const Expr& j, const Expr& dot, int64_t) {
      return ir::Store::make(scratch, dot * scale, scores + l * Expr(s.keys) + j);
    };
    auto store_head = [&](const Expr& l, const Expr& c, const Expr& sum, int64_t lanes) {
      return ir::Store::make(scratch, sum, lane_indices(out + l * Expr(q_layout.row_stride()) + c, 1, lanes));
    };
    return ir::Block::make({dot_tiles(ctx, q, k, {s.queries, s.keys, hd}, store_score), softmax_rows(ctx, scratch, scores, s.queries, s.keys),
                            row_tiles(ctx, p, v, {s.queries, hd, s.keys}, store_head)});
  }, kind));

  const bool bias = a.bias.value;
  auto store = [&](const Expr& r, const Expr& o, const Expr& sum, int64_t lanes) {
    Expr value = bias ? load_lanes(ctx.param("out_proj.bias"), o, 1, lanes) + sum : sum;
    return ctx.store_output(lane_indices(r * Expr(e) + o, 1, lanes), value);
  };
  const ir::ForKind out_kind = ctx.worth_parallel(queries * e * e) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  const MatrixRef heads{scratch, e, Expr(plan.heads)};
  steps.push_back(packs_projections(e) ? packed_tiles(ctx, heads, {ctx.param("out_proj.weight")}, {queries, e, e}, store, out_kind)
                                       : dot_tiles(ctx, heads, {ctx.param("out_proj.weight"), e}, {queries, e, e}, store, out_kind));
  return ir::Block::make(std::move(steps));
}

Tensor reference_attention(const ReferenceContext& ctx) {
  const AttentionAttrs& a = ctx.attrs<AttentionAttrs>();
  const Tensor& query = ctx.input(0);
  const Tensor& key = ctx.inputs.size() == 3 ? ctx.input(1) : query;
  const Tensor& value = ctx.inputs.size() == 3 ? ctx.input(2) : query;
  return ref::multihead_attention(query, key, value, *ctx.param("in_proj_weight"), ctx.param("in_proj_bias"), *ctx.param("out_proj.weight"),
                                  ctx.param("out_proj.bias"), a.num_heads.value, a.batch_first.value);
}

using A = AttentionAttrs;

const OpDef attention_op{
    .schema = {.name = "multihead_attention",
               .suggested_for = {"MultiheadAttention", "attention", "self_attention", "mha"},
               .summary = "multi-head scaled dot-product attention with input and output projections (torch.nn.MultiheadAttention)",
               .attrs = attr_schema<A>({bind(&A::embed_dim, optional_int("embed_dim", 1)),
                                        bind(&A::num_heads, required_int("num_heads", 1, "the number of heads, which must divide embed_dim, e.g. 12")),
                                        bind(&A::bias, bool_attr("bias", true)),
                                        bind(&A::batch_first, bool_attr("batch_first", true))}),
               .inputs = InputForm::OneOrList,
               .min_inputs = 3,
               .max_inputs = 3,
               .infer = infer_attention},
    .lowering = {.lower = lower_attention, .accepts_epilogue = true, .scratch = attention_scratch, .param_row_block = attention_param_row_block},
    .reference = reference_attention,
    .params = {{"in_proj_weight", "[3 * embed_dim, embed_dim]"},
               {"in_proj_bias", "[3 * embed_dim]", "bias"},
               {"out_proj.weight", "[embed_dim, embed_dim]"},
               {"out_proj.bias", "[embed_dim]", "bias"}},
    .torch = {.module = "torch.nn.MultiheadAttention",
              .inputs = TorchInputs::Attention,
              .args = {inferred_from_dim("embed_dim", -1), always_passed("batch_first")},
              .input_rank = 3},
};

const OpRegistration registered(attention_op, 420);

}  // namespace

}  // namespace nnc
