// Subgraphs that exporters write for one PyTorch op, matched where they start and mapped to that op:
// x * sigmoid(x) -> silu, x * hardsigmoid(x) -> hardswish, the Erf form of GELU -> gelu, and layer norm decomposed
// into ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div (then Mul and Add by its weight and bias) -> layernorm.
// Where a pattern does not match, the node maps as itself.
#include <fmt/format.h>

#include <cmath>

#include "import/attributes.h"
#include "import/converter.h"

namespace nnc::onnx_import {

namespace {

using Node = onnx::NodeProto;

bool is(const Node* n, const char* op) { return n && n->op_type() == op && n->domain().empty(); }

// The input of a two-input node that is not `value`.
const std::string& other_input(const Node& n, const std::string& value) { return n.input(0) == value ? n.input(1) : n.input(0); }

bool const_near(const Converter& c, const std::string& value, double expected) {
  return c.is_const(value) && c.constant(value).numel() == 1 && std::abs(c.constant(value).at(0) - expected) < 1e-6 * std::max(1.0, std::abs(expected));
}

// Sigmoid(x) or HardSigmoid(x) read only by Mul(x, .): the gated activation of x.
bool try_gate(Converter& c, const Node& n, const std::string& op) {
  const Node* mul = c.sole_consumer(n.output(0));
  if (!is(mul, "Mul") || other_input(*mul, n.output(0)) != n.input(0) || mul->input(0) == mul->input(1)) return false;
  if (op == "hardswish" && (std::abs(attr_float(n, "alpha", 0.2f) - 1.0 / 6) > 1e-6 || attr_float(n, "beta", 0.5f) != 0.5f)) return false;
  Layer& layer = c.add_layer(*mul, op, {c.tensor(n.input(0))});
  c.set_output(mul->output(0), layer.name);
  c.absorb(mul);
  return true;
}

// Div(x, sqrt 2) -> Erf -> Add(., 1) -> Mul(x, .) -> Mul(., 0.5): torch.onnx's GELU.
bool try_gelu(Converter& c, const Node& div) {
  if (div.input(0) == div.input(1) || c.is_const(div.input(0)) || !const_near(c, div.input(1), std::sqrt(2.0))) return false;
  const std::string& x = div.input(0);
  const Node* erf = c.sole_consumer(div.output(0));
  if (!is(erf, "Erf")) return false;
  const Node* add = c.sole_consumer(erf->output(0));
  if (!is(add, "Add") || !const_near(c, other_input(*add, erf->output(0)), 1.0)) return false;
  const Node* mul = c.sole_consumer(add->output(0));
  if (!is(mul, "Mul") || other_input(*mul, add->output(0)) != x) return false;
  const Node* half = c.sole_consumer(mul->output(0));
  if (!is(half, "Mul") || !const_near(c, other_input(*half, mul->output(0)), 0.5)) return false;
  Layer& layer = c.add_layer(*half, "gelu", {c.tensor(x)});
  c.set_output(half->output(0), layer.name);
  for (const Node* n : {erf, add, mul, half}) c.absorb(n);
  return true;
}

std::vector<int64_t> reduce_axes(const Converter& c, const Node& n) {
  std::vector<int64_t> axes = Converter::has_input(n, 1) && c.is_const(n.input(1)) ? c.constant(n.input(1)).as_ints() : attr_ints(n, "axes");
  const int64_t rank = c.rank(n.input(0));
  for (int64_t& a : axes)
    if (a < 0) a += rank;
  return axes;
}

// ReduceMean(x) -> Sub(x, mean) = d; Pow(d, 2) -> ReduceMean -> Add(., eps) -> Sqrt = s; Div(d, s) [-> Mul(., w) -> Add(., b)].
bool try_layernorm(Converter& c, const Node& mean) {
  const std::string& x = mean.input(0);
  if (c.is_const(x)) return false;
  const int64_t rank = c.rank(x);
  const std::vector<int64_t> axes = reduce_axes(c, mean);
  if (axes.empty() || !attr_int(mean, "keepdims", 1)) return false;
  for (size_t i = 0; i < axes.size(); ++i)
    if (axes[i] != rank - static_cast<int64_t>(axes.size() - i)) return false;  // the last dims, in order
  const Node* sub = c.sole_consumer(mean.output(0));
  if (!is(sub, "Sub") || sub->input(0) != x || sub->input(1) != mean.output(0)) return false;
  const auto readers = c.consumers(sub->output(0));
  if (readers.size() != 2) return false;
  const Node* pow = is(readers[0], "Pow") ? readers[0] : readers[1];
  const Node* div = pow == readers[0] ? readers[1] : readers[0];
  if (!is(pow, "Pow") || !is(div, "Div") || pow->input(0) != sub->output(0) || !const_near(c, pow->input(1), 2.0) || div->input(0) != sub->output(0))
    return false;
  const Node* var = c.sole_consumer(pow->output(0));
  if (!is(var, "ReduceMean") || reduce_axes(c, *var) != axes || !attr_int(*var, "keepdims", 1)) return false;
  const Node* add_eps = c.sole_consumer(var->output(0));
  if (!is(add_eps, "Add")) return false;
  const std::string& eps_value = other_input(*add_eps, var->output(0));
  if (!c.is_const(eps_value) || c.constant(eps_value).numel() != 1) return false;
  const Node* sqrt = c.sole_consumer(add_eps->output(0));
  if (!is(sqrt, "Sqrt") || c.sole_consumer(sqrt->output(0)) != div || div->input(1) != sqrt->output(0)) return false;

  const auto& shape = c.shape(x);
  const std::vector<int64_t> normalized(shape.end() - static_cast<int64_t>(axes.size()), shape.end());
  int64_t count = 1;
  for (int64_t d : normalized) count *= d;
  const Node* last = div;
  const Node* scale = c.sole_consumer(div->output(0));
  const Node* shift = nullptr;
  if (is(scale, "Mul") && c.is_const(other_input(*scale, div->output(0))) && c.constant(other_input(*scale, div->output(0))).numel() == count) {
    last = scale;
    shift = c.sole_consumer(scale->output(0));
    if (is(shift, "Add") && c.is_const(other_input(*shift, scale->output(0))) && c.constant(other_input(*shift, scale->output(0))).numel() == count)
      last = shift;
    else
      shift = nullptr;
  } else {
    scale = nullptr;
  }
  std::vector<std::pair<std::string, std::string>> attrs{{"normalized_shape", yaml_ints(normalized)}};
  const float eps = static_cast<float>(c.constant(eps_value).at(0));
  if (eps != 1e-5f) attrs.emplace_back("eps", yaml_float(eps));
  if (!scale) attrs.emplace_back("elementwise_affine", "false");
  Layer& layer = c.add_layer(*last, "layernorm", {c.tensor(x)}, std::move(attrs));
  const std::string name = layer.name;
  c.set_output(last->output(0), name);
  if (scale) {
    c.add_weight(name + ".weight", tensor_of(c.constant(other_input(*scale, div->output(0))), normalized));
    c.add_weight(name + ".bias", shift ? tensor_of(c.constant(other_input(*shift, scale->output(0))), normalized)
                                       : Tensor(Shape(normalized.begin(), normalized.end())));
  }
  for (const Node* n : {sub, pow, var, add_eps, sqrt, div, scale, shift})
    if (n) c.absorb(n);
  return true;
}

// `table[op]` tried after `pattern`.
void with_pattern(std::map<std::string, Mapping>& table, const std::string& op, std::function<bool(Converter&, const Node&)> pattern) {
  Mapping plain = table.at(op);
  table[op] = [plain, pattern](Converter& c, const Node& n) {
    if (!pattern(c, n)) plain(c, n);
  };
}

}  // namespace

void add_pattern_mappings(std::map<std::string, Mapping>& t) {
  with_pattern(t, "Sigmoid", [](Converter& c, const Node& n) { return try_gate(c, n, "silu"); });
  with_pattern(t, "HardSigmoid", [](Converter& c, const Node& n) { return try_gate(c, n, "hardswish"); });
  with_pattern(t, "Div", try_gelu);
  with_pattern(t, "ReduceMean", try_layernorm);
}

}  // namespace nnc::onnx_import
