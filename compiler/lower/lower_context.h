#pragma once
// What an op's lowering sees: its layer, the buffers of its inputs, output, parameters and
// scratch space, and helpers to build loop nests. Ops never see other layers or the YAML.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <type_traits>
#include <vector>

#include "graph/graph.h"
#include "ir/ir.h"
#include "lower/layer_lowering.h"

namespace nnc {

struct TensorRef {
  ir::Buffer buffer;
  Shape shape;
};

// A layer fused into its producer's store, with the buffers it reads besides its chained input.
struct FusedLayer {
  const Layer* layer = nullptr;
  const LayerLowering* lowering = nullptr;  // its op's, for the epilogue
  size_t chain_input = 0;
  std::vector<TensorRef> inputs;  // every input; the chained one has no buffer
  std::vector<std::pair<std::string, ir::Buffer>> params;
};

// What an epilogue sees: the value about to be stored (scalar or vector) and where.
struct EpilogueContext {
  const FusedLayer& fused;
  ir::Expr value;
  ir::Expr index;    // flat index of the value(s) in the output; every tensor of this shape shares it
  ir::Expr channel;  // the dim-1 index when the producer knows it (undefined otherwise)

  const Layer& layer() const { return *fused.layer; }
  // The fused layer's own attribute struct.
  template <typename T>
  const T& attrs() const {
    return attrs_of<T>(*fused.layer);
  }
  const ir::Buffer& param(const std::string& key) const;
  // The dim-1 index of `index` in the layer's input shape, computed (lane by lane for a vector
  // index) when the producer did not say.
  ir::Expr channel_of_input() const;
};

class LowerContext {
 public:
  LowerContext(const Layer& layer, std::vector<TensorRef> inputs, TensorRef output,
               std::vector<std::pair<std::string, ir::Buffer>> params, ir::Buffer scratch, std::vector<FusedLayer> epilogues,
               int threads);

  const Layer& layer() const { return layer_; }
  // The op's own attribute struct.
  template <typename T>
  const T& attrs() const {
    return attrs_of<T>(layer_);
  }
  size_t input_count() const { return inputs_.size(); }
  const TensorRef& input(size_t i = 0) const { return inputs_[i]; }
  // The buffer the step's result goes to, with this layer's own output shape (a fused flatten
  // changes the shape, not the flat order).
  const TensorRef& output() const { return output_; }
  // Stores `value` at flat `index` of the output after applying the fused layers; `channel` is
  // the dim-1 index where the caller has it.
  ir::Stmt store_output(const ir::Expr& index, const ir::Expr& value, const ir::Expr& channel = ir::Expr());
  const ir::Buffer& param(const std::string& key) const;
  const ir::Buffer& scratch() const { return scratch_; }

  // A variable name unique in the kernel: `oc`, then `oc1`, `oc2`, ...
  ir::Expr var(const std::string& base);
  std::string fresh_name(const std::string& base);

  // Parallel loops pay only for layers with enough work.
  bool worth_parallel(int64_t work) const;

 private:
  const Layer& layer_;
  std::vector<TensorRef> inputs_;
  TensorRef output_;
  std::vector<std::pair<std::string, ir::Buffer>> params_;
  ir::Buffer scratch_;
  std::vector<FusedLayer> epilogues_;
  int threads_;
  std::set<std::string> used_names_;
  std::map<std::string, int> next_suffix_;
};

// `body` inside `let name = value` for each binding, the first binding outermost.
ir::Stmt with_lets(const std::vector<std::pair<std::string, ir::Expr>>& lets, ir::Stmt body);

// The flat (row-major) index of `idx` in a tensor of `shape`.
ir::Expr flat_index(const Shape& shape, const std::vector<ir::Expr>& idx);

// for i0 in [0, shape[0]): for i1 ...: body({i0, i1, ...}); the outermost loop gets `outer`.
ir::Stmt loop_nest(LowerContext& ctx, const Shape& shape, const std::function<ir::Stmt(const std::vector<ir::Expr>&)>& body,
                   ir::ForKind outer = ir::ForKind::Serial);

// One loop with a fresh variable.
ir::Stmt loop(LowerContext& ctx, const std::string& base, ir::Expr min, ir::Expr extent,
              const std::function<ir::Stmt(const ir::Expr&)>& body, ir::ForKind kind = ir::ForKind::Serial);

// for i in [0, count): body(index, lanes), 16 elements at a time (index a Ramp) and the rest
// one at a time; the vector loop runs in parallel when that pays.
ir::Stmt vector_loop(LowerContext& ctx, int64_t count, const std::function<ir::Stmt(const ir::Expr&, int)>& body);

// body(first, lanes) over [0, count), count > 0, in order: vectors of 16 lanes (first a Ramp-ready
// Expr), then the rest as one narrower vector.
ir::Stmt vector_chunks(LowerContext& ctx, int64_t count, const std::function<ir::Stmt(const ir::Expr& first, int64_t lanes)>& body);

// An elementwise map of one input: out[i] = f(in[i]) over the flat tensor, through store_output.
ir::Stmt map_elements(LowerContext& ctx, const std::function<ir::Expr(const ir::Expr&)>& f);

// An elementwise op written once, as f(x) or as f(attrs, x) with the op's attribute struct, serves
// both as a kernel and as an epilogue.
template <typename F>
struct ElementAttrs {};
template <typename A>
struct ElementAttrs<ir::Expr (*)(const A&, const ir::Expr&)> {
  using type = A;
};
template <auto F, typename Context>
ir::Expr apply_element(const Context& ctx, const ir::Expr& x) {
  if constexpr (std::is_invocable_v<decltype(F), const ir::Expr&>)
    return F(x);
  else
    return F(ctx.template attrs<typename ElementAttrs<decltype(F)>::type>(), x);
}
template <auto F>
ir::Stmt lower_elementwise(LowerContext& ctx) {
  return map_elements(ctx, [&](const ir::Expr& x) { return apply_element<F>(ctx, x); });
}
template <auto F>
ir::Expr elementwise_epilogue(const EpilogueContext& e) {
  return apply_element<F>(e, e.value);
}
// The lowering of such an op: the kernel, or fused into the layer before it.
template <auto F>
LayerLowering elementwise_lowering() {
  return {.lower = lower_elementwise<F>, .accepts_epilogue = true, .epilogue = elementwise_epilogue<F>};
}

// [outer, axis, inner] view of a shape around `dim`, for softmax and concat.
struct AxisView {
  int64_t outer = 1, axis = 1, inner = 1;
};
AxisView view_around(const Shape& shape, int64_t dim);

}  // namespace nnc
