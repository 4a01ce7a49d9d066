// Mappings of the layers with weights, the windows and the activations: Conv, ConvTranspose, Gemm, MatMul,
// BatchNormalization, LayerNormalization, MaxPool, AveragePool, and the unary ops.
#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "import/attributes.h"
#include "import/converter.h"

namespace nnc::onnx_import {

namespace {

using Node = onnx::NodeProto;
using Attrs = std::vector<std::pair<std::string, std::string>>;

struct Window {
  int64_t kh, kw, sh, sw, dh, dw;
  int64_t top, left, bottom, right;
};

// The window of a Conv or pool over input `x` of shape [N, C, H, W], pads resolved from auto_pad.
Window window_of(const Node& n, const std::vector<int64_t>& x, int64_t kh, int64_t kw) {
  if (x.size() != 4) throw Unsupported{fmt::format("nnc has 2-D windows only; the input has rank {}", x.size())};
  const auto strides = attr_ints(n, "strides", {1, 1}), dilations = attr_ints(n, "dilations", {1, 1});
  if (strides.size() != 2 || dilations.size() != 2) throw Unsupported{"nnc has 2-D windows only"};
  Window w{kh, kw, strides[0], strides[1], dilations[0], dilations[1], 0, 0, 0, 0};
  const std::string auto_pad = attr_string(n, "auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    int64_t* begin[2] = {&w.top, &w.left};
    int64_t* end[2] = {&w.bottom, &w.right};
    const int64_t k[2] = {kh, kw}, s[2] = {w.sh, w.sw}, d[2] = {w.dh, w.dw};
    for (int a = 0; a < 2; ++a) {
      const int64_t in = x[2 + static_cast<size_t>(a)], out = (in + s[a] - 1) / s[a];
      const int64_t total = std::max<int64_t>((out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - in, 0);
      *begin[a] = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      *end[a] = total - *begin[a];
    }
  } else if (auto_pad == "NOTSET") {
    const auto pads = attr_ints(n, "pads", {0, 0, 0, 0});
    if (pads.size() != 4) throw Unsupported{"nnc has 2-D windows only"};
    w.top = pads[0], w.left = pads[1], w.bottom = pads[2], w.right = pads[3];
  } else if (auto_pad != "VALID") {
    throw Unsupported{fmt::format("auto_pad {} is not an ONNX value", auto_pad)};
  }
  return w;
}

bool symmetric(const Window& w) { return w.top == w.bottom && w.left == w.right; }

Attrs window_attrs(const Window& w, bool stride_always) {
  Attrs attrs{{"kernel_size", size_pair(w.kh, w.kw)}};
  if (stride_always || w.sh != 1 || w.sw != 1) attrs.emplace_back("stride", size_pair(w.sh, w.sw));
  if (w.top || w.left) attrs.emplace_back("padding", size_pair(w.top, w.left));
  if (w.dh != 1 || w.dw != 1) attrs.emplace_back("dilation", size_pair(w.dh, w.dw));
  return attrs;
}

// The input of a window op; a `pad` layer first when the padding differs between the two sides.
std::string padded_input(Converter& c, const Node& n, Window& w) {
  std::string in = c.tensor(n.input(0));
  if (symmetric(w)) return in;
  in = c.add_layer(n, "pad", {in}, {{"pad", yaml_ints({w.left, w.right, w.top, w.bottom})}}, ".pad").name;
  w.top = w.left = w.bottom = w.right = 0;
  return in;
}

void add_bias(Converter& c, const Node& n, int index, const std::string& layer, int64_t channels, Attrs& attrs) {
  if (!Converter::has_input(n, index)) {
    attrs.emplace_back("bias", "false");
    return;
  }
  const Constant& b = c.constant(n.input(index));
  if (b.numel() != channels) throw Unsupported{fmt::format("the bias has {} values for {} channels", b.numel(), channels)};
  c.add_weight(layer + ".bias", tensor_of(b, {channels}));
}

void map_conv(Converter& c, const Node& n) {
  const Constant& weight = c.constant(n.input(1));
  if (weight.shape.size() != 4) throw Unsupported{"nnc has 2-D convolutions only"};
  Window w = window_of(n, c.shape(n.input(0)), weight.shape[2], weight.shape[3]);
  const std::string in = padded_input(c, n, w);
  const int64_t groups = attr_int(n, "group", 1), out = weight.shape[0];
  Attrs attrs{{"out_channels", std::to_string(out)}};
  for (auto& a : window_attrs(w, false)) attrs.push_back(a);
  if (groups != 1) attrs.emplace_back("groups", std::to_string(groups));
  Layer& layer = c.add_layer(n, "conv2d", {in}, {});
  add_bias(c, n, 2, layer.name, out, attrs);
  layer.attrs = std::move(attrs);
  c.add_weight(layer.name + ".weight", tensor_of(weight));
}

void map_conv_transpose(Converter& c, const Node& n) {
  const Constant& weight = c.constant(n.input(1));
  if (weight.shape.size() != 4) throw Unsupported{"nnc has 2-D transposed convolutions only"};
  if (find_attr(n, "output_shape")) throw Unsupported{"output_shape is not supported; nnc needs pads and output_padding"};
  if (attr_string(n, "auto_pad", "NOTSET") != "NOTSET") throw Unsupported{"auto_pad is not supported for ConvTranspose"};
  const auto& x = c.shape(n.input(0));
  if (x.size() != 4) throw Unsupported{"nnc has 2-D transposed convolutions only"};
  Window w = window_of(n, x, weight.shape[2], weight.shape[3]);
  if (!symmetric(w)) throw Unsupported{"pads that differ between the two sides of an axis"};
  const int64_t groups = attr_int(n, "group", 1), out = weight.shape[1] * groups;
  const auto output_padding = attr_ints(n, "output_padding", {0, 0});
  Attrs attrs{{"out_channels", std::to_string(out)}};
  for (auto& a : window_attrs(w, false)) attrs.push_back(a);
  if (output_padding.size() == 2 && (output_padding[0] || output_padding[1]))
    attrs.emplace_back("output_padding", size_pair(output_padding[0], output_padding[1]));
  if (groups != 1) attrs.emplace_back("groups", std::to_string(groups));
  Layer& layer = c.add_layer(n, "conv_transpose2d", {c.tensor(n.input(0))});
  add_bias(c, n, 2, layer.name, out, attrs);
  layer.attrs = std::move(attrs);
  c.add_weight(layer.name + ".weight", tensor_of(weight));
}

// [K, N] -> [N, K]
Tensor transposed(const Constant& m, double scale) {
  const int64_t k = m.shape[0], n = m.shape[1];
  Tensor t(Shape{n, k});
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < n; ++j) t.data()[j * k + i] = static_cast<float>(m.at(i * n + j) * scale);
  return t;
}

// A bias [N] from a constant of N values (any shape [.., N]) or one value.
std::optional<Tensor> bias_vector(const Constant& b, int64_t n, double scale) {
  if (b.numel() != n && b.numel() != 1) return std::nullopt;
  if (b.numel() == n && !b.shape.empty() && b.shape.back() != n) return std::nullopt;
  Tensor t(Shape{n});
  for (int64_t i = 0; i < n; ++i) t.data()[i] = static_cast<float>(b.at(b.numel() == 1 ? 0 : i) * scale);
  return t;
}

void map_gemm(Converter& c, const Node& n) {
  if (attr_int(n, "transA", 0)) throw Unsupported{"transA = 1 is not supported"};
  if (c.rank(n.input(0)) != 2) throw Unsupported{"Gemm's input must have rank 2"};
  const Constant& b = c.constant(n.input(1));
  if (b.shape.size() != 2) throw Unsupported{"Gemm's B must be a matrix"};
  const double alpha = attr_float(n, "alpha", 1.0f), beta = attr_float(n, "beta", 1.0f);
  const bool trans_b = attr_int(n, "transB", 0) != 0;
  const int64_t out = trans_b ? b.shape[0] : b.shape[1];
  Tensor weight = trans_b ? tensor_of(b) : transposed(b, 1.0);
  for (float& v : weight.values()) v = static_cast<float>(v * alpha);
  Attrs attrs{{"out_features", std::to_string(out)}};
  std::optional<Tensor> bias;
  if (Converter::has_input(n, 2)) {
    bias = bias_vector(c.constant(n.input(2)), out, beta);
    if (!bias) throw Unsupported{"C must broadcast as a bias of one value per output feature"};
  } else {
    attrs.emplace_back("bias", "false");
  }
  Layer& layer = c.add_layer(n, "linear", {c.tensor(n.input(0))}, std::move(attrs));
  c.add_weight(layer.name + ".weight", std::move(weight));
  if (bias) c.add_weight(layer.name + ".bias", std::move(*bias));
}

// MatMul by a constant matrix is a linear layer; an Add of a constant vector right after it becomes its bias.
void map_matmul(Converter& c, const Node& n) {
  if (!c.is_const(n.input(1)) || c.constant(n.input(1)).shape.size() != 2 || c.is_const(n.input(0))) {
    c.add_layer(n, "matmul", {c.operand(n.input(0)), c.operand(n.input(1))});
    return;
  }
  const Constant& b = c.constant(n.input(1));
  const int64_t out = b.shape[1];
  std::optional<Tensor> bias;
  const Node* add = c.sole_consumer(n.output(0));
  if (add && add->op_type() == "Add" && add->domain().empty()) {
    const std::string& other = add->input(0) == n.output(0) ? add->input(1) : add->input(0);
    if (c.is_const(other) && c.constant(other).numel() == out) bias = bias_vector(c.constant(other), out, 1.0);
  }
  Layer& layer = c.add_layer(n, "linear", {c.tensor(n.input(0))}, {{"out_features", std::to_string(out)}});
  c.add_weight(layer.name + ".weight", transposed(b, 1.0));
  if (bias) {
    c.add_weight(layer.name + ".bias", std::move(*bias));
    c.set_output(add->output(0), layer.name);
    c.absorb(add);
  } else {
    layer.attrs.emplace_back("bias", "false");
  }
}

void map_batchnorm(Converter& c, const Node& n) {
  if (c.rank(n.input(0)) != 4) throw Unsupported{"nnc has batchnorm2d only (input of rank 4)"};
  if (attr_int(n, "training_mode", 0)) throw Unsupported{"training_mode = 1 uses batch statistics"};
  const int64_t channels = c.shape(n.input(0))[1];
  Attrs attrs;
  const float eps = attr_float(n, "epsilon", 1e-5f);
  if (eps != 1e-5f) attrs.emplace_back("eps", yaml_float(eps));
  Layer& layer = c.add_layer(n, "batchnorm2d", {c.tensor(n.input(0))}, std::move(attrs));
  const char* keys[] = {"weight", "bias", "running_mean", "running_var"};
  for (int i = 0; i < 4; ++i) {
    const Constant& v = c.constant(n.input(i + 1));
    if (v.numel() != channels) throw Unsupported{fmt::format("{} has {} values for {} channels", keys[i], v.numel(), channels)};
    c.add_weight(layer.name + "." + keys[i], tensor_of(v, {channels}));
  }
}

void map_layernorm(Converter& c, const Node& n) {
  const auto& x = c.shape(n.input(0));
  const int64_t axis = axis_of(attr_int(n, "axis", -1), static_cast<int64_t>(x.size()));
  const std::vector<int64_t> normalized(x.begin() + axis, x.end());
  Attrs attrs{{"normalized_shape", yaml_ints(normalized)}};
  const float eps = attr_float(n, "epsilon", 1e-5f);
  if (eps != 1e-5f) attrs.emplace_back("eps", yaml_float(eps));
  Layer& layer = c.add_layer(n, "layernorm", {c.tensor(n.input(0))}, std::move(attrs));
  const std::string name = layer.name;
  Tensor weight = tensor_of(c.constant(n.input(1)), normalized);
  Tensor bias(Shape(normalized.begin(), normalized.end()));
  if (Converter::has_input(n, 2)) bias = tensor_of(c.constant(n.input(2)), normalized);
  c.add_weight(name + ".weight", std::move(weight));
  c.add_weight(name + ".bias", std::move(bias));
}

void map_pool(Converter& c, const Node& n, const std::string& op) {
  const auto kernel = attr_ints(n, "kernel_shape");
  if (kernel.size() != 2) throw Unsupported{"nnc has 2-D pools only"};
  if (attr_int(n, "storage_order", 0)) throw Unsupported{"storage_order = 1 is not supported"};
  Window w = window_of(n, c.shape(n.input(0)), kernel[0], kernel[1]);
  if (!symmetric(w)) throw Unsupported{"pads that differ between the two sides of an axis"};
  Attrs attrs = window_attrs(w, true);
  if (attr_int(n, "ceil_mode", 0)) attrs.emplace_back("ceil_mode", "true");
  if (op == "avgpool2d" && (w.top || w.left) && !attr_int(n, "count_include_pad", 0)) attrs.emplace_back("count_include_pad", "false");
  c.add_layer(n, op, {c.tensor(n.input(0))}, std::move(attrs));
}

void map_global_pool(Converter& c, const Node& n, const std::string& op) {
  if (c.rank(n.input(0)) != 4) throw Unsupported{"nnc has 2-D pools only"};
  c.add_layer(n, op, {c.tensor(n.input(0))}, {{"output_size", "1"}});
}

bool near(double a, double b) { return std::abs(a - b) <= 1e-6 * std::max(1.0, std::abs(b)); }

// Clip's bounds, inputs from opset 11: 0..6 is relu6, 0..inf relu, else hardtanh.
void map_clip(Converter& c, const Node& n) {
  const double inf = std::numeric_limits<double>::infinity();
  const double lo = Converter::has_input(n, 1) ? c.constant(n.input(1)).at(0) : -inf;
  const double hi = Converter::has_input(n, 2) ? c.constant(n.input(2)).at(0) : inf;
  const std::string in = c.tensor(n.input(0));
  if (lo == 0 && hi == 6) c.add_layer(n, "relu6", {in});
  else if (lo == 0 && hi == inf) c.add_layer(n, "relu", {in});
  else if (!std::isfinite(static_cast<float>(lo)) || !std::isfinite(static_cast<float>(hi)))
    throw Unsupported{"Clip with only an upper bound, or only a lower bound other than 0"};
  else if (!(static_cast<float>(lo) < static_cast<float>(hi)))
    throw Unsupported{"Clip whose lower bound is not below its upper bound (its output would be constant)"};
  else c.add_layer(n, "hardtanh", {in}, {{"min_val", yaml_float(static_cast<float>(lo))}, {"max_val", yaml_float(static_cast<float>(hi))}});
}

void map_prelu(Converter& c, const Node& n) {
  const Constant& slope = c.constant(n.input(1));
  const auto& x = c.shape(n.input(0));
  const int64_t count = slope.numel();
  if (count != 1 && (x.size() < 2 || count != x[1])) throw Unsupported{"the slope must be one value or one per channel"};
  Layer& layer = c.add_layer(n, "prelu", {c.tensor(n.input(0))}, count == 1 ? Attrs{} : Attrs{{"num_parameters", std::to_string(count)}});
  c.add_weight(layer.name + ".weight", tensor_of(slope, {count}));
}

Mapping unary(const std::string& op) {
  return [op](Converter& c, const Node& n) { c.add_layer(n, op, {c.tensor(n.input(0))}); };
}

}  // namespace

void add_nn_mappings(std::map<std::string, Mapping>& t) {
  t["Conv"] = map_conv;
  t["ConvTranspose"] = map_conv_transpose;
  t["Gemm"] = map_gemm;
  t["MatMul"] = map_matmul;
  t["BatchNormalization"] = map_batchnorm;
  t["LayerNormalization"] = map_layernorm;
  t["MaxPool"] = [](Converter& c, const Node& n) {
    if (n.output_size() > 1 && !n.output(1).empty()) throw Unsupported{"the Indices output is not supported"};
    map_pool(c, n, "maxpool2d");
  };
  t["AveragePool"] = [](Converter& c, const Node& n) { map_pool(c, n, "avgpool2d"); };
  t["GlobalAveragePool"] = [](Converter& c, const Node& n) { map_global_pool(c, n, "adaptive_avgpool2d"); };
  t["GlobalMaxPool"] = [](Converter& c, const Node& n) { map_global_pool(c, n, "adaptive_maxpool2d"); };
  t["Relu"] = unary("relu");
  t["Sigmoid"] = unary("sigmoid");
  t["Tanh"] = unary("tanh");
  t["HardSwish"] = unary("hardswish");
  t["Softplus"] = unary("softplus");
  t["Clip"] = map_clip;
  t["PRelu"] = map_prelu;
  t["HardSigmoid"] = [](Converter& c, const Node& n) {
    if (!near(attr_float(n, "alpha", 0.2f), 1.0 / 6) || !near(attr_float(n, "beta", 0.5f), 0.5))
      throw Unsupported{"nnc's hardsigmoid is PyTorch's: alpha 1/6 and beta 0.5"};
    unary("hardsigmoid")(c, n);
  };
  t["Selu"] = [](Converter& c, const Node& n) {
    if (!near(attr_float(n, "alpha", 1.67326319f), 1.67326319) || !near(attr_float(n, "gamma", 1.05070102f), 1.05070102))
      throw Unsupported{"nnc's selu has PyTorch's fixed alpha and gamma"};
    unary("selu")(c, n);
  };
  t["Elu"] = [](Converter& c, const Node& n) {
    const float alpha = attr_float(n, "alpha", 1.0f);
    c.add_layer(n, "elu", {c.tensor(n.input(0))}, alpha == 1.0f ? Attrs{} : Attrs{{"alpha", yaml_float(alpha)}});
  };
  t["LeakyRelu"] = [](Converter& c, const Node& n) {
    c.add_layer(n, "leaky_relu", {c.tensor(n.input(0))}, {{"negative_slope", yaml_float(attr_float(n, "alpha", 0.01f))}});
  };
}

}  // namespace nnc::onnx_import
