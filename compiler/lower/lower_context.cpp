#include "lower/lower_context.h"

#include <fmt/format.h>

#include "support/internal_error.h"
namespace nnc {

using namespace ir;

LowerContext::LowerContext(const Layer& layer, std::vector<TensorRef> inputs, TensorRef output,
                           std::vector<std::pair<std::string, Buffer>> params, Buffer scratch, std::vector<FusedLayer> epilogues,
                           int threads)
    : layer_(layer), inputs_(std::move(inputs)), output_(std::move(output)), params_(std::move(params)),
      scratch_(std::move(scratch)), epilogues_(std::move(epilogues)), threads_(threads) {
  // Buffer names are taken: a loop variable must not shadow one in emitted C++.
  for (const TensorRef& t : inputs_) used_names_.insert(t.buffer->name);
  used_names_.insert(output_.buffer->name);
  for (const auto& p : params_) used_names_.insert(p.second->name);
  if (scratch_) used_names_.insert(scratch_->name);
  for (const FusedLayer& f : epilogues_) {
    for (const TensorRef& t : f.inputs)
      if (t.buffer) used_names_.insert(t.buffer->name);
    for (const auto& p : f.params) used_names_.insert(p.second->name);
  }
}

namespace {

// Values that cost nothing to repeat; anything else an epilogue may use several times is bound once.
bool is_leaf(const Expr& e) {
  if (e.as<Var>() || e.as<IntImm>() || e.as<FloatImm>() || e.as<Load>()) return true;
  const Broadcast* b = e.as<Broadcast>();
  return b && is_leaf(b->value);
}

}  // namespace

Stmt LowerContext::store_output(const Expr& index, const Expr& value, const Expr& channel) {
  // Each fused layer reads the previous one's value through a let, so a chain of epilogues that use
  // their input more than once (relu, hardswish, ...) grows linearly instead of doubling per layer.
  std::vector<std::pair<std::string, Expr>> lets;
  Expr v = value, c = channel;
  for (const FusedLayer& f : epilogues_) {
    if (!is_leaf(v)) {
      lets.emplace_back(fresh_name("e"), v);
      v = Var::make(v.type(), lets.back().first);
    }
    const Shape& in_shape = f.inputs[f.chain_input].shape;
    v = f.lowering->epilogue(EpilogueContext{f, v, index, c});
    if (*f.layer->shape != in_shape) c = Expr();  // a reshape: the producer's channel no longer applies
  }
  return with_lets(lets, Store::make(output_.buffer, v, index));
}

Stmt with_lets(const std::vector<std::pair<std::string, Expr>>& lets, Stmt body) {
  for (auto it = lets.rbegin(); it != lets.rend(); ++it) body = LetStmt::make(it->first, it->second, std::move(body));
  return body;
}

const Buffer& EpilogueContext::param(const std::string& key) const {
  for (const auto& [k, b] : fused.params)
    if (k == key) return b;
  internal_error(fmt::format("fused layer '{}' has no parameter '{}'", fused.layer->name, key));
}

Expr EpilogueContext::channel_of_input() const {
  if (channel.defined()) return channel;
  const Shape& s = fused.inputs[fused.chain_input].shape;
  int64_t inner = 1;
  for (size_t d = 2; d < s.size(); ++d) inner *= s[d];
  return index / Expr(inner) % Expr(s[1]);
}

const Buffer& LowerContext::param(const std::string& key) const {
  for (const auto& [k, b] : params_)
    if (k == key) return b;
  internal_error(fmt::format("layer '{}' has no parameter '{}'", layer_.name, key));
}

std::string LowerContext::fresh_name(const std::string& base) {
  // Numbering resumes where the last name from `base` stopped, so a kernel with many loops stays linear.
  int& next = next_suffix_[base];
  std::string name = next == 0 ? base : fmt::format("{}{}", base, next);
  while (!used_names_.insert(name).second) name = fmt::format("{}{}", base, ++next);
  ++next;
  return name;
}

Expr LowerContext::var(const std::string& base) { return i64_var(fresh_name(base)); }

bool LowerContext::worth_parallel(int64_t work) const {
  constexpr int64_t kMinWorkPerThread = 1 << 16;  // multiply-adds or elements; below this, threading costs more than it saves
  return threads_ > 1 && work / threads_ >= kMinWorkPerThread;
}

Expr flat_index(const Shape& shape, const std::vector<Expr>& idx) {
  Expr index = idx[0];
  for (size_t d = 1; d < shape.size(); ++d) index = index * Expr(shape[d]) + idx[d];
  return index;
}

Stmt loop(LowerContext& ctx, const std::string& base, Expr min, Expr extent, const std::function<Stmt(const Expr&)>& body,
          ForKind kind) {
  std::string name = ctx.fresh_name(base);
  return For::make(name, std::move(min), std::move(extent), kind, body(i64_var(name)));
}

namespace {

const char* dim_name(size_t d, size_t rank) {
  static const char* nchw[] = {"n", "c", "h", "w"};
  if (rank == 4) return nchw[d];
  static const char* generic[] = {"i", "j", "k", "l", "m", "p", "q", "r"};
  return d < 8 ? generic[d] : "d";
}

}  // namespace

Stmt loop_nest(LowerContext& ctx, const Shape& shape, const std::function<Stmt(const std::vector<Expr>&)>& body, ForKind outer) {
  std::vector<std::string> names;
  std::vector<Expr> idx;
  for (size_t d = 0; d < shape.size(); ++d) {
    names.push_back(ctx.fresh_name(dim_name(d, shape.size())));
    idx.push_back(i64_var(names.back()));
  }
  Stmt s = body(idx);
  for (size_t d = shape.size(); d-- > 0;) s = For::make(names[d], 0, shape[d], d == 0 ? outer : ForKind::Serial, s);
  return s;
}

Stmt vector_loop(LowerContext& ctx, int64_t count, const std::function<Stmt(const Expr&, int)>& body) {
  constexpr int kLanes = 16;
  const int64_t vectors = count / kLanes;
  std::vector<Stmt> parts;
  if (vectors > 0) {
    ForKind kind = ctx.worth_parallel(count * 8) ? ForKind::Parallel : ForKind::Serial;
    parts.push_back(loop(ctx, "v", 0, vectors, [&](const Expr& v) { return body(Ramp::make(v * Expr(kLanes), Expr(1), kLanes), kLanes); }, kind));
  }
  if (count % kLanes) parts.push_back(loop(ctx, "i", vectors * kLanes, count % kLanes, [&](const Expr& i) { return body(i, 1); }));
  return Block::make(std::move(parts));
}

Stmt vector_chunks(LowerContext& ctx, int64_t count, const std::function<Stmt(const Expr&, int64_t)>& body) {
  constexpr int64_t kLanes = 16;
  std::vector<Stmt> parts;
  if (count >= kLanes) parts.push_back(loop(ctx, "v", 0, count / kLanes, [&](const Expr& v) { return body(v * Expr(kLanes), kLanes); }));
  if (const int64_t rest = count % kLanes) parts.push_back(body(Expr(count - rest), rest));
  return Block::make(std::move(parts));
}

Stmt map_elements(LowerContext& ctx, const std::function<Expr(const Expr&)>& f) {
  const TensorRef& in = ctx.input();
  return vector_loop(ctx, *element_count(ctx.output().shape),
                     [&](const Expr& i, int) { return ctx.store_output(i, f(Load::make(in.buffer, i))); });
}

AxisView view_around(const Shape& shape, int64_t dim) {
  AxisView v;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d < dim) v.outer *= shape[d];
    else if (d == dim) v.axis = shape[d];
    else v.inner *= shape[d];
  }
  return v;
}

}  // namespace nnc
