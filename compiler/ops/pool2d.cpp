// The pooling family: maxpool2d, avgpool2d (torch.nn.MaxPool2d, AvgPool2d), adaptive_avgpool2d
// and adaptive_maxpool2d (torch.nn.AdaptiveAvgPool2d, AdaptiveMaxPool2d).
#include <fmt/format.h>

#include <limits>

#include "lower/lower_context.h"
#include "lower/register_tile.h"
#include "nnc/reference.h"
#include "ops/op.h"
#include "ops/window.h"

namespace nnc {
namespace {

// maxpool2d's and avgpool2d's: each reads the fields it declares.
struct PoolAttrs {
  Attr<Pair> kernel_size, stride, padding;
  Attr<Pair> dilation{.value = {1, 1}};  // maxpool2d
  Attr<bool> ceil_mode;
  Attr<bool> count_include_pad;  // avgpool2d
};

struct AdaptivePoolAttrs {
  Attr<OutputSize> output_size;
};

bool infer_pool(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const PoolAttrs& a = ctx.attrs<PoolAttrs>();
  const Shape& in = ctx.input();
  WindowOp w;
  w.is_pool = true;
  w.kernel = a.kernel_size.value;
  w.stride = a.stride.value;
  w.dilation = a.dilation.value;
  w.ceil_mode = a.ceil_mode.value;
  w.kernel_loc = a.kernel_size.loc;
  w.stride_loc = a.stride.loc;
  const Pair& pad = a.padding.value;
  for (int axis = 0; axis < 2; ++axis) {
    // PyTorch (1.13) bounds pool padding by half the undilated kernel.
    if (pad[axis] > w.kernel[axis] / 2)
      return ctx.error("pool-padding-too-large",
                       fmt::format("{}: padding {} is more than half the kernel size {}", ctx.what(), pad[axis],
                                   w.kernel[axis]),
                       fmt::format("use padding of at most {} (kernel_size / 2)", w.kernel[axis] / 2), a.padding.loc);
    w.pads[axis] = {pad[axis], pad[axis]};
  }
  std::array<int64_t, 2> out{};
  if (!infer_window(ctx, w, in[2], in[3], out)) return false;
  ctx.output = {in[0], in[1], out[0], out[1]};
  return true;
}

// Adaptive window i along an axis covers [floor(i*in/out), ceil((i+1)*in/out)).
std::string adaptive_formula(const char* axis, int64_t in, int64_t out) {
  std::string text = fmt::format("{} = {} (output_size", axis, out);
  const int64_t max_listed = 4096;  // beyond this the window sizes are not worth a loop
  if (out <= max_listed && in <= INT64_MAX / max_listed) {
    int64_t smallest = INT64_MAX, largest = 0;
    for (int64_t i = 0; i < out; ++i) {
      int64_t size = (i + 1) * in / out + ((i + 1) * in % out != 0) - i * in / out;
      smallest = std::min(smallest, size);
      largest = std::max(largest, size);
    }
    text += smallest == largest ? fmt::format("; windows of {}", smallest) : fmt::format("; windows of {} to {}", smallest, largest);
  }
  return text + ")";
}

bool infer_adaptive_pool(InferContext& ctx) {
  if (!ctx.expect_rank(4, "[N, C, H, W]")) return false;
  const OutputSize& size = ctx.attrs<AdaptivePoolAttrs>().output_size.value;
  const Shape& in = ctx.input();
  int64_t oh = size.keep[0] ? in[2] : size.sizes[0];
  int64_t ow = size.keep[1] ? in[3] : size.sizes[1];
  ctx.output = {in[0], in[1], oh, ow};
  ctx.formulas.push_back(adaptive_formula("OH", in[2], oh));
  ctx.formulas.push_back(adaptive_formula("OW", in[3], ow));
  return true;
}

using ir::Expr;

// One output element of a pooling window: `combine` folds each input position the window covers
// (with its flat input index) into the output, which `init` starts and `finish` completes.
struct PoolWindow {
  Expr n, c, oh, ow;
};

ir::Stmt pool_loops(LowerContext& ctx, const std::function<ir::Stmt(const PoolWindow&)>& body) {
  const Shape& out = ctx.output().shape;
  ir::ForKind kind = ctx.worth_parallel(*element_count(out) * 16) ? ir::ForKind::Parallel : ir::ForKind::Serial;
  return loop_nest(ctx, out, [&](const std::vector<Expr>& i) { return body({i[0], i[1], i[2], i[3]}); }, kind);
}

// for kh, kw over the window: `visit(input index)` where the position is inside the input.
ir::Stmt window_taps(LowerContext& ctx, const PoolWindow& p, const std::function<ir::Stmt(const Expr&)>& visit) {
  const PoolAttrs& a = ctx.attrs<PoolAttrs>();
  const Shape& in = ctx.input().shape;
  const Pair &k = a.kernel_size.value, &s = a.stride.value, &pad = a.padding.value, &dilation = a.dilation.value;
  return loop(ctx, "kh", 0, k[0], [&](const Expr& kh) {
    return loop(ctx, "kw", 0, k[1], [&](const Expr& kw) {
      std::string ih = ctx.fresh_name("ih"), iw = ctx.fresh_name("iw");
      Expr h = ir::i64_var(ih), w = ir::i64_var(iw);
      ir::Stmt guarded = visit(flat_index(in, {p.n, p.c, h, w}));
      // Without padding or ceil_mode every window lies inside the input.
      if (pad[0] || pad[1] || a.ceil_mode.value)
        guarded = ir::IfThenElse::make(h >= Expr(0) && h < Expr(in[2]) && w >= Expr(0) && w < Expr(in[3]), guarded);
      return ir::LetStmt::make(ih, p.oh * Expr(s[0]) - Expr(pad[0]) + kh * Expr(dilation[0]),
                               ir::LetStmt::make(iw, p.ow * Expr(s[1]) - Expr(pad[1]) + kw * Expr(dilation[1]), guarded));
    });
  });
}

// A one-float accumulator around `body`, which the final store reads.
ir::Stmt with_accumulator(LowerContext& ctx, const std::function<ir::Stmt(const AccumulatorTile&)>& body) {
  AccumulatorTile acc(ctx, RegisterTile{});
  return acc.allocate(body(acc));
}

// The running maximum takes the input element at flat index i; PyTorch's rule: a NaN in the window wins.
ir::Stmt max_step(LowerContext& ctx, const AccumulatorTile& acc, const Expr& i) {
  const Expr best = acc.value(0, 0);
  std::string name = ctx.fresh_name("v");
  Expr v = ir::Var::make(ir::Type::f32(), name);
  return ir::LetStmt::make(name, ir::Load::make(ctx.input().buffer, i), acc.set(0, 0, ir::select(v > best || v != v, v, best)));
}

Expr max_start() { return ir::f32(-std::numeric_limits<float>::infinity()); }

ir::Stmt lower_maxpool2d(LowerContext& ctx) {
  const TensorRef& out = ctx.output();
  return pool_loops(ctx, [&](const PoolWindow& p) {
    return with_accumulator(ctx, [&](const AccumulatorTile& acc) {
      ir::Stmt taps = window_taps(ctx, p, [&](const Expr& i) { return max_step(ctx, acc, i); });
      return ir::Block::make({acc.init(0, 0, max_start()), taps,
                              ctx.store_output(flat_index(out.shape, {p.n, p.c, p.oh, p.ow}), acc.value(0, 0), p.c)});
    });
  });
}

ir::Stmt lower_avgpool2d(LowerContext& ctx) {
  const PoolAttrs& a = ctx.attrs<PoolAttrs>();
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const Pair &k = a.kernel_size.value, &s = a.stride.value, &pad = a.padding.value;
  const bool include_pad = a.count_include_pad.value;
  return pool_loops(ctx, [&](const PoolWindow& p) {
    return with_accumulator(ctx, [&](const AccumulatorTile& acc) {
      Expr sum = acc.value(0, 0);
      ir::Stmt taps = window_taps(ctx, p, [&](const Expr& i) { return acc.set(0, 0, sum + ir::Load::make(in.buffer, i)); });
      // PyTorch's divisor: the window clipped to the padded input, or to the input alone.
      Expr h0 = p.oh * Expr(s[0]) - Expr(pad[0]), w0 = p.ow * Expr(s[1]) - Expr(pad[1]);
      Expr h1 = ir::min(h0 + Expr(k[0]), Expr(in.shape[2] + pad[0])), w1 = ir::min(w0 + Expr(k[1]), Expr(in.shape[3] + pad[1]));
      if (!include_pad) {
        h0 = ir::max(h0, Expr(0));
        w0 = ir::max(w0, Expr(0));
        h1 = ir::min(h1, Expr(in.shape[2]));
        w1 = ir::min(w1, Expr(in.shape[3]));
      }
      Expr count = ir::Cast::make(ir::Type::f32(), (h1 - h0) * (w1 - w0));
      return ir::Block::make({acc.init(0, 0, ir::f32(0)), taps,
                              ctx.store_output(flat_index(out.shape, {p.n, p.c, p.oh, p.ow}), sum / count, p.c)});
    });
  });
}

// How an adaptive pool folds its window: the accumulator's start, the step per input element
// (by flat index) and the value stored from the accumulator and the window's element count.
struct AdaptiveFold {
  Expr start;
  std::function<ir::Stmt(const AccumulatorTile&, const Expr&)> step;
  std::function<Expr(const Expr& acc, const Expr& count)> finish;
};

ir::Stmt lower_adaptive_pool(LowerContext& ctx, const AdaptiveFold& fold) {
  const TensorRef& in = ctx.input();
  const TensorRef& out = ctx.output();
  const int64_t H = in.shape[2], W = in.shape[3], OH = out.shape[2], OW = out.shape[3];
  return pool_loops(ctx, [&](const PoolWindow& p) {
    // Window [floor(o*I/O), ceil((o+1)*I/O)) along each axis.
    Expr h0 = p.oh * Expr(H) / Expr(OH), h1 = ((p.oh + Expr(1)) * Expr(H) + Expr(OH - 1)) / Expr(OH);
    Expr w0 = p.ow * Expr(W) / Expr(OW), w1 = ((p.ow + Expr(1)) * Expr(W) + Expr(OW - 1)) / Expr(OW);
    std::string hs = ctx.fresh_name("h_start"), he = ctx.fresh_name("h_end"), ws = ctx.fresh_name("w_start"), we = ctx.fresh_name("w_end");
    Expr vhs = ir::i64_var(hs), vhe = ir::i64_var(he), vws = ir::i64_var(ws), vwe = ir::i64_var(we);
    ir::Stmt body = with_accumulator(ctx, [&](const AccumulatorTile& acc) {
      ir::Stmt taps = loop(ctx, "ih", vhs, vhe - vhs, [&](const Expr& ih) {
        return loop(ctx, "iw", vws, vwe - vws, [&](const Expr& iw) { return fold.step(acc, flat_index(in.shape, {p.n, p.c, ih, iw})); });
      });
      Expr count = ir::Cast::make(ir::Type::f32(), (vhe - vhs) * (vwe - vws));
      return ir::Block::make({acc.init(0, 0, fold.start), taps,
                              ctx.store_output(flat_index(out.shape, {p.n, p.c, p.oh, p.ow}), fold.finish(acc.value(0, 0), count), p.c)});
    });
    return ir::LetStmt::make(hs, h0, ir::LetStmt::make(he, h1, ir::LetStmt::make(ws, w0, ir::LetStmt::make(we, w1, body))));
  });
}

ir::Stmt lower_adaptive_avgpool2d(LowerContext& ctx) {
  const TensorRef& in = ctx.input();
  return lower_adaptive_pool(ctx, {.start = ir::f32(0),
                                   .step = [&](const AccumulatorTile& acc, const Expr& i) {
                                     return acc.set(0, 0, acc.value(0, 0) + ir::Load::make(in.buffer, i));
                                   },
                                   .finish = [](const Expr& sum, const Expr& count) { return sum / count; }});
}

ir::Stmt lower_adaptive_maxpool2d(LowerContext& ctx) {
  return lower_adaptive_pool(ctx, {.start = max_start(),
                                   .step = [&](const AccumulatorTile& acc, const Expr& i) { return max_step(ctx, acc, i); },
                                   .finish = [](const Expr& best, const Expr&) { return best; }});
}

ref::Pair output_hw(const ReferenceContext& ctx) { return {(*ctx.layer.shape)[2], (*ctx.layer.shape)[3]}; }

Tensor reference_maxpool2d(const ReferenceContext& ctx) {
  const PoolAttrs& a = ctx.attrs<PoolAttrs>();
  return ref::maxpool2d(ctx.input(), {.kernel = a.kernel_size.value, .stride = a.stride.value, .padding = a.padding.value,
                                      .dilation = a.dilation.value, .output = output_hw(ctx)});
}

Tensor reference_avgpool2d(const ReferenceContext& ctx) {
  const PoolAttrs& a = ctx.attrs<PoolAttrs>();
  return ref::avgpool2d(ctx.input(), {.kernel = a.kernel_size.value, .stride = a.stride.value, .padding = a.padding.value,
                                      .count_include_pad = a.count_include_pad.value, .output = output_hw(ctx)});
}

Tensor reference_adaptive_avgpool2d(const ReferenceContext& ctx) { return ref::adaptive_avgpool2d(ctx.input(), output_hw(ctx)); }

Tensor reference_adaptive_maxpool2d(const ReferenceContext& ctx) { return ref::adaptive_maxpool2d(ctx.input(), output_hw(ctx)); }

using P = PoolAttrs;

AttrSchema adaptive_pool_attrs() {
  return attr_schema<AdaptivePoolAttrs>(
      {bind(&AdaptivePoolAttrs::output_size, required_output_size("output_size", "the output height and width, e.g. 1 or [7, 7]"))});
}

const OpDef maxpool2d_op{
    .schema = {.name = "maxpool2d",
               .suggested_for = {"maxpool"},
               .summary = "max over sliding windows (torch.nn.MaxPool2d)",
               .attrs = attr_schema<P>({bind(&P::kernel_size, required_size2("kernel_size", 1, "the window size, e.g. 2")),
                                        bind(&P::stride, size2_same_as("stride", "kernel_size", 1)),
                                        bind(&P::padding, size2_attr("padding", 0, 0)),
                                        bind(&P::dilation, size2_attr("dilation", 1, 1)),
                                        bind(&P::ceil_mode, bool_attr("ceil_mode", false))}),
               .infer = infer_pool},
    .lowering = {.lower = lower_maxpool2d, .accepts_epilogue = true},
    .reference = reference_maxpool2d,
    .torch = {.module = "torch.nn.MaxPool2d", .input_rank = 4},
};

const OpDef avgpool2d_op{
    .schema = {.name = "avgpool2d",
               .suggested_for = {"avgpool"},
               .summary = "mean over sliding windows (torch.nn.AvgPool2d)",
               .attrs = attr_schema<P>({bind(&P::kernel_size, required_size2("kernel_size", 1, "the window size, e.g. 2")),
                                        bind(&P::stride, size2_same_as("stride", "kernel_size", 1)),
                                        bind(&P::padding, size2_attr("padding", 0, 0)),
                                        bind(&P::ceil_mode, bool_attr("ceil_mode", false)),
                                        bind(&P::count_include_pad, bool_attr("count_include_pad", true))}),
               .infer = infer_pool},
    .lowering = {.lower = lower_avgpool2d, .accepts_epilogue = true},
    .reference = reference_avgpool2d,
    .torch = {.module = "torch.nn.AvgPool2d", .input_rank = 4},
};

const OpDef adaptive_avgpool2d_op{
    .schema = {.name = "adaptive_avgpool2d",
               .suggested_for = {"adaptiveavgpool2d", "globalavgpool"},
               .summary = "mean over windows chosen to give a fixed output size (torch.nn.AdaptiveAvgPool2d)",
               .attrs = adaptive_pool_attrs(),
               .infer = infer_adaptive_pool},
    .lowering = {.lower = lower_adaptive_avgpool2d, .accepts_epilogue = true},
    .reference = reference_adaptive_avgpool2d,
    .torch = {.module = "torch.nn.AdaptiveAvgPool2d", .input_rank = 4},
};

const OpDef adaptive_maxpool2d_op{
    .schema = {.name = "adaptive_maxpool2d",
               .suggested_for = {"adaptivemaxpool2d", "globalmaxpool"},
               .summary = "max over windows chosen to give a fixed output size (torch.nn.AdaptiveMaxPool2d)",
               .attrs = adaptive_pool_attrs(),
               .infer = infer_adaptive_pool},
    .lowering = {.lower = lower_adaptive_maxpool2d, .accepts_epilogue = true},
    .reference = reference_adaptive_maxpool2d,
    .torch = {.module = "torch.nn.AdaptiveMaxPool2d", .input_rank = 4},
};

const OpRegistration registered[] = {{maxpool2d_op, 200}, {avgpool2d_op, 210}, {adaptive_avgpool2d_op, 220}, {adaptive_maxpool2d_op, 230}};

}  // namespace

}  // namespace nnc
