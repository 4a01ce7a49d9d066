// Mappings of the shape ops, the broadcasting arithmetic, reductions, softmax, resizing and padding.
#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "import/attributes.h"
#include "import/converter.h"

namespace nnc::onnx_import {

namespace {

using Node = onnx::NodeProto;
using Attrs = std::vector<std::pair<std::string, std::string>>;

// The output's shape from ONNX's shape inference.
const std::vector<int64_t>& out_shape(Converter& c, const Node& n) { return c.shape(n.output(0)); }

void reshape_to(Converter& c, const Node& n, const std::vector<int64_t>& shape) {
  c.add_layer(n, "reshape", {c.tensor(n.input(0))}, {{"shape", yaml_ints(shape)}});
}

// Squeeze, Unsqueeze: axes from the second input (opset 13) or the attribute.
std::vector<int64_t> axes_of(Converter& c, const Node& n) {
  if (Converter::has_input(n, 1)) return c.constant(n.input(1)).as_ints();
  return attr_ints(n, "axes");
}

void map_reshape(Converter& c, const Node& n) {
  if (attr_int(n, "allowzero", 0)) throw Unsupported{"allowzero = 1 is not supported"};
  reshape_to(c, n, out_shape(c, n));
}

void map_flatten(Converter& c, const Node& n) {
  const auto& x = c.shape(n.input(0));
  const int64_t axis = attr_int(n, "axis", 1) < 0 ? attr_int(n, "axis", 1) + static_cast<int64_t>(x.size()) : attr_int(n, "axis", 1);
  if (axis == 1 && x.size() >= 2) c.add_layer(n, "flatten", {c.tensor(n.input(0))});
  else reshape_to(c, n, out_shape(c, n));
}

void map_squeeze(Converter& c, const Node& n, const std::string& op) {
  const auto axes = axes_of(c, n);
  const int64_t rank = static_cast<int64_t>((op == "unsqueeze" ? out_shape(c, n) : c.shape(n.input(0))).size());
  if (axes.size() == 1) c.add_layer(n, op, {c.tensor(n.input(0))}, {{"dim", std::to_string(axis_of(axes[0], rank))}});
  else reshape_to(c, n, out_shape(c, n));
}

void map_transpose(Converter& c, const Node& n) {
  const int64_t rank = c.rank(n.input(0));
  std::vector<int64_t> perm = attr_ints(n, "perm");
  if (perm.empty())
    for (int64_t d = rank - 1; d >= 0; --d) perm.push_back(d);
  c.add_layer(n, "permute", {c.tensor(n.input(0))}, {{"dims", yaml_ints(perm)}});
}

// One `slice` layer per sliced axis, chained; the last one is the node's output.
void map_slice(Converter& c, const Node& n) {
  const auto starts = c.constant(n.input(1)).as_ints(), ends = c.constant(n.input(2)).as_ints();
  const auto& x = c.shape(n.input(0));
  std::vector<int64_t> axes, steps(starts.size(), 1);
  if (Converter::has_input(n, 3)) axes = c.constant(n.input(3)).as_ints();
  else
    for (size_t i = 0; i < starts.size(); ++i) axes.push_back(static_cast<int64_t>(i));
  if (Converter::has_input(n, 4)) steps = c.constant(n.input(4)).as_ints();
  if (axes.size() != starts.size() || ends.size() != starts.size() || steps.size() != starts.size())
    throw Unsupported{"starts, ends, axes and steps differ in length"};
  std::string in = c.tensor(n.input(0));
  for (size_t i = 0; i < axes.size(); ++i) {
    if (steps[i] < 1) throw Unsupported{"a step below 1 (nnc slices forward)"};
    const int64_t dim = axis_of(axes[i], static_cast<int64_t>(x.size()));
    Attrs attrs{{"dim", std::to_string(dim)}};
    if (starts[i] != 0) attrs.emplace_back("start", std::to_string(std::clamp<int64_t>(starts[i], -x[dim], x[dim])));
    if (ends[i] < x[dim]) attrs.emplace_back("end", std::to_string(std::max<int64_t>(ends[i], -x[dim] - 1)));
    if (steps[i] != 1) attrs.emplace_back("step", std::to_string(steps[i]));
    in = c.add_layer(n, "slice", {in}, std::move(attrs), axes.size() > 1 ? fmt::format(".{}", i) : "").name;
  }
  if (axes.empty()) c.set_output(n.output(0), in);
}

// Gather of one constant index: `select`; of a one-element index list: a one-wide `slice`.
void map_gather(Converter& c, const Node& n) {
  const Constant& index = c.constant(n.input(1));
  const auto& x = c.shape(n.input(0));
  const int64_t dim = axis_of(attr_int(n, "axis", 0), static_cast<int64_t>(x.size()));
  if (index.numel() != 1 || index.shape.size() > 1) throw Unsupported{"nnc takes one constant index (select), not a list of them"};
  int64_t i = index.int_at(0);
  if (i < -x[dim] || i >= x[dim]) throw Unsupported{fmt::format("index {} is out of range for a dimension of {}", i, x[dim])};
  if (i < 0) i += x[dim];
  const std::string in = c.tensor(n.input(0));
  if (index.shape.empty()) c.add_layer(n, "select", {in}, {{"dim", std::to_string(dim)}, {"index", std::to_string(i)}});
  else c.add_layer(n, "slice", {in}, {{"dim", std::to_string(dim)}, {"start", std::to_string(i)}, {"end", std::to_string(i + 1)}});
}

void map_concat(Converter& c, const Node& n) {
  std::vector<std::string> inputs;
  for (const auto& in : n.input()) inputs.push_back(c.operand(in));
  const int64_t dim = axis_of(attr_int(n, "axis", 0), static_cast<int64_t>(out_shape(c, n).size()));
  if (inputs.size() == 1) c.set_output(n.output(0), inputs[0]);
  else c.add_layer(n, "concat", inputs, {{"dim", std::to_string(dim)}});
}

void map_split(Converter& c, const Node& n) {
  const auto& x = c.shape(n.input(0));
  const int64_t dim = axis_of(attr_int(n, "axis", 0), static_cast<int64_t>(x.size()));
  std::vector<int64_t> sizes = Converter::has_input(n, 1) ? c.constant(n.input(1)).as_ints() : attr_ints(n, "split");
  if (sizes.empty()) {
    const int64_t parts = n.output_size(), each = (x[dim] + parts - 1) / parts;
    for (int64_t p = 0, left = x[dim]; p < parts; ++p, left -= each) sizes.push_back(std::min(each, left));
  }
  if (static_cast<int>(sizes.size()) != n.output_size()) throw Unsupported{"split sizes and outputs differ in number"};
  const std::string in = c.tensor(n.input(0));
  std::vector<std::string> layers;
  int64_t start = 0;
  for (size_t i = 0; i < sizes.size(); ++i) {
    layers.push_back(c.add_layer(n, "slice", {in}, {{"dim", std::to_string(dim)}, {"start", std::to_string(start)}, {"end", std::to_string(start + sizes[i])}},
                                 fmt::format(".{}", i))
                         .name);
    start += sizes[i];
  }
  for (size_t i = 0; i < layers.size(); ++i) c.set_output(n.output(static_cast<int>(i)), layers[i]);
}

Mapping binary(const std::string& op) {
  return [op](Converter& c, const Node& n) {
    if (c.is_const(n.input(0)) && c.is_const(n.input(1))) throw Unsupported{"both operands are constants that could not be folded"};
    c.add_layer(n, op, {c.operand(n.input(0)), c.operand(n.input(1))});
  };
}

void map_reduce_mean(Converter& c, const Node& n) {
  const int64_t rank = c.rank(n.input(0));
  std::vector<int64_t> axes = axes_of(c, n);
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d) axes.push_back(d);
  for (int64_t& a : axes) a = axis_of(a, rank);
  Attrs attrs{{"dim", axes.size() == 1 ? std::to_string(axes[0]) : yaml_ints(axes)}};
  if (attr_int(n, "keepdims", 1)) attrs.emplace_back("keepdim", "true");
  c.add_layer(n, "mean", {c.tensor(n.input(0))}, std::move(attrs));
}

Mapping softmax(const std::string& op) {
  return [op](Converter& c, const Node& n) {
    const auto& x = c.shape(n.input(0));
    const int64_t rank = static_cast<int64_t>(x.size());
    const int64_t dim = axis_of(attr_int(n, "axis", c.model.opset >= 13 ? -1 : 1), rank);
    // Before opset 13 the axis splits the input into two dims and the softmax runs over all the trailing ones.
    if (c.model.opset < 13)
      for (int64_t d = dim + 1; d < rank; ++d)
        if (x[d] != 1) throw Unsupported{"before opset 13, a softmax over several trailing dims"};
    c.add_layer(n, op, {c.tensor(n.input(0))}, {{"dim", std::to_string(dim)}});
  };
}

// Resize (and Upsample) over H and W: nearest as PyTorch's (asymmetric, floor), or bilinear.
void map_resize(Converter& c, const Node& n) {
  const auto& x = c.shape(n.input(0));
  const auto& y = out_shape(c, n);
  if (x.size() != 4 || y[0] != x[0] || y[1] != x[1]) throw Unsupported{"nnc resizes the H and W of [N, C, H, W] only"};
  const std::string mode = attr_string(n, "mode", "nearest");
  const std::string coords = attr_string(n, "coordinate_transformation_mode", n.op_type() == "Upsample" ? "asymmetric" : "half_pixel");
  Attrs attrs{{"size", size_pair(y[2], y[3])}};
  if (mode == "nearest") {
    // Upsample's nearest is always PyTorch's; Resize's only with these two attributes.
    const bool torch_nearest = n.op_type() == "Upsample" || (coords == "asymmetric" && attr_string(n, "nearest_mode", "round_prefer_floor") == "floor");
    if (!torch_nearest) throw Unsupported{"nearest resizing other than PyTorch's (asymmetric coordinates, floor)"};
  } else if (mode == "linear" || mode == "bilinear") {
    attrs.emplace_back("mode", "bilinear");
    if (coords == "align_corners") attrs.emplace_back("align_corners", "true");
    else if (coords != "half_pixel" && coords != "pytorch_half_pixel") throw Unsupported{fmt::format("bilinear resizing with {} coordinates", coords)};
  } else {
    throw Unsupported{fmt::format("mode {} (nnc has nearest and bilinear)", mode)};
  }
  c.add_layer(n, "upsample", {c.tensor(n.input(0))}, std::move(attrs));
}

void map_pad(Converter& c, const Node& n) {
  const auto pads = c.constant(n.input(1)).as_ints();
  const int64_t rank = c.rank(n.input(0));
  if (static_cast<int64_t>(pads.size()) != 2 * rank || Converter::has_input(n, 3)) throw Unsupported{"pads for a subset of the axes"};
  if (std::any_of(pads.begin(), pads.end(), [](int64_t p) { return p < 0; })) throw Unsupported{"negative pads (cropping)"};
  int64_t first = 0;
  while (first < rank && pads[first] == 0 && pads[first + rank] == 0) ++first;
  std::vector<int64_t> torch_pad;  // F.pad's order: the last dim first
  for (int64_t d = rank - 1; d >= std::min(first, rank - 1); --d) {
    torch_pad.push_back(pads[d]);
    torch_pad.push_back(pads[d + rank]);
  }
  const std::string mode = attr_string(n, "mode", "constant");
  Attrs attrs{{"pad", yaml_ints(torch_pad)}};
  if (mode == "reflect") attrs.emplace_back("mode", "reflect");
  else if (mode == "edge") attrs.emplace_back("mode", "replicate");
  else if (mode != "constant") throw Unsupported{fmt::format("mode {}", mode)};
  if (mode == "constant" && Converter::has_input(n, 2) && c.constant(n.input(2)).at(0) != 0)
    attrs.emplace_back("value", yaml_float(static_cast<float>(c.constant(n.input(2)).at(0))));
  c.add_layer(n, "pad", {c.tensor(n.input(0))}, std::move(attrs));
}

// Expand to the input's own shape is nothing; to a bigger one, an add of zeros broadcasts it.
void map_expand(Converter& c, const Node& n) {
  const auto& y = out_shape(c, n);
  if (y == c.shape(n.input(0))) {
    c.set_output(n.output(0), c.operand(n.input(0)));
    return;
  }
  const std::string in = c.operand(n.input(0));
  Layer& zeros = c.add_layer(n, "parameter", {}, {{"shape", yaml_ints(y)}}, ".zeros");
  const std::string zeros_name = zeros.name;
  c.add_weight(zeros_name, Tensor(Shape(y.begin(), y.end())));
  c.add_layer(n, "add", {in, zeros_name});
}

void map_alias(Converter& c, const Node& n) { c.set_output(n.output(0), c.operand(n.input(0))); }

}  // namespace

void add_tensor_mappings(std::map<std::string, Mapping>& t) {
  t["Reshape"] = map_reshape;
  t["Flatten"] = map_flatten;
  t["Squeeze"] = [](Converter& c, const Node& n) { map_squeeze(c, n, "squeeze"); };
  t["Unsqueeze"] = [](Converter& c, const Node& n) { map_squeeze(c, n, "unsqueeze"); };
  t["Transpose"] = map_transpose;
  t["Slice"] = map_slice;
  t["Gather"] = map_gather;
  t["Concat"] = map_concat;
  t["Split"] = map_split;
  t["Add"] = binary("add");
  t["Sub"] = binary("sub");
  t["Mul"] = binary("mul");
  t["Div"] = binary("div");
  t["ReduceMean"] = map_reduce_mean;
  t["Softmax"] = softmax("softmax");
  t["LogSoftmax"] = softmax("log_softmax");
  t["Resize"] = map_resize;
  t["Upsample"] = map_resize;
  t["Pad"] = map_pad;
  t["Expand"] = map_expand;
  t["Identity"] = map_alias;
  t["Dropout"] = map_alias;
  t["Cast"] = [](Converter& c, const Node& n) {
    if (attr_int(n, "to", 0) != onnx::TensorProto::FLOAT) throw Unsupported{"nnc computes in float32 only"};
    map_alias(c, n);
  };
}

}  // namespace nnc::onnx_import
