#include "import/fold.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "import/attributes.h"

namespace nnc::onnx_import {

std::optional<std::vector<int64_t>> broadcast_shape(const std::vector<int64_t>& a, const std::vector<int64_t>& b) {
  const size_t rank = std::max(a.size(), b.size());
  std::vector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    const int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    const int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1) return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

std::optional<int64_t> normalize_axis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank) return std::nullopt;
  return axis < 0 ? axis + rank : axis;
}

namespace {

using Folded = std::optional<Result<std::vector<Constant>>>;

Folded one(Constant c) { return Result<std::vector<Constant>>(std::vector<Constant>{std::move(c)}); }
Folded fail(std::string message) { return Result<std::vector<Constant>>(Error{std::move(message)}); }

std::vector<int64_t> strides_of(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (size_t i = shape.size(); i-- > 1;) s[i - 1] = s[i] * shape[i];
  return s;
}

// The flat index into `shape` (broadcast to `out`) of the element at flat index `i` of `out`.
int64_t broadcast_index(int64_t i, const std::vector<int64_t>& out, const std::vector<int64_t>& shape) {
  const auto out_strides = strides_of(out), strides = strides_of(shape);
  int64_t index = 0;
  const size_t offset = out.size() - shape.size();
  for (size_t d = 0; d < out.size(); ++d) {
    const int64_t coord = (i / out_strides[d]) % out[d];
    if (d >= offset && shape[d - offset] != 1) index += coord * strides[d - offset];
  }
  return index;
}

Folded binary(const std::string& op, const Constant& a, const Constant& b) {
  auto shape = broadcast_shape(a.shape, b.shape);
  if (!shape) return fail(fmt::format("{} of constants of shapes that do not broadcast", op));
  Constant out{.shape = *shape, .is_float = a.is_float || b.is_float};
  for (int64_t i = 0; i < out.numel(); ++i) {
    const int64_t ia = broadcast_index(i, *shape, a.shape), ib = broadcast_index(i, *shape, b.shape);
    if (out.is_float) {
      const double x = a.at(ia), y = b.at(ib);
      out.floats.push_back(op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y);
    } else {
      const int64_t x = a.int_at(ia), y = b.int_at(ib);
      if (op == "Div" && y == 0) return fail("integer division by zero in a constant");
      out.ints.push_back(op == "Add" ? x + y : op == "Sub" ? x - y : op == "Mul" ? x * y : x / y);
    }
  }
  return one(std::move(out));
}

// The elements of `c` whose index along `axis` is in `indices`, in that order.
Constant take(const Constant& c, int64_t axis, const std::vector<int64_t>& indices, std::vector<int64_t> index_shape) {
  std::vector<int64_t> shape(c.shape.begin(), c.shape.begin() + axis);
  shape.insert(shape.end(), index_shape.begin(), index_shape.end());
  shape.insert(shape.end(), c.shape.begin() + axis + 1, c.shape.end());
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d) outer *= c.shape[static_cast<size_t>(d)];
  for (size_t d = static_cast<size_t>(axis) + 1; d < c.shape.size(); ++d) inner *= c.shape[d];
  Constant out{.shape = shape, .is_float = c.is_float};
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t idx : indices)
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t at = (o * c.shape[static_cast<size_t>(axis)] + idx) * inner + in;
        if (c.is_float) out.floats.push_back(c.floats[static_cast<size_t>(at)]);
        else out.ints.push_back(c.ints[static_cast<size_t>(at)]);
      }
  return out;
}

// The axes of Squeeze, Unsqueeze, ReduceMean (an input from opset 13, an attribute before).
std::optional<std::vector<int64_t>> axes_of(const onnx::NodeProto& node, const std::map<std::string, Constant>& constants) {
  if (node.input_size() > 1 && !node.input(1).empty()) {
    auto it = constants.find(node.input(1));
    if (it == constants.end()) return std::nullopt;
    return it->second.as_ints();
  }
  return attr_ints(node, "axes");
}

Folded fold_constant_node(const onnx::NodeProto& node) {
  const auto* value = find_attr(node, "value");
  if (value) {
    auto c = constant_from_proto(value->t());
    if (!c) return fail(c.error().message);
    return one(std::move(*c));
  }
  if (const auto* f = find_attr(node, "value_float")) return one(float_constant({}, {f->f()}));
  if (const auto* i = find_attr(node, "value_int")) return one(int_constant({}, {i->i()}));
  if (const auto* fs = find_attr(node, "value_floats")) return one(float_constant({fs->floats_size()}, {fs->floats().begin(), fs->floats().end()}));
  if (const auto* is = find_attr(node, "value_ints")) return one(int_constant({is->ints_size()}, {is->ints().begin(), is->ints().end()}));
  return std::nullopt;
}

}  // namespace

Folded fold_node(const onnx::NodeProto& node, const std::map<std::string, Constant>& constants, const ShapeMap& shapes) {
  if (!node.domain().empty() && node.domain() != "ai.onnx") return std::nullopt;
  const std::string& op = node.op_type();
  if (op == "Constant") return fold_constant_node(node);
  if (op == "Shape") {
    auto it = shapes.find(node.input(0));
    if (it == shapes.end()) return std::nullopt;
    const int64_t rank = static_cast<int64_t>(it->second.size());
    int64_t start = attr_int(node, "start", 0), end = attr_int(node, "end", rank);
    start = std::clamp(start < 0 ? start + rank : start, int64_t{0}, rank);
    end = std::clamp(end < 0 ? end + rank : end, int64_t{0}, rank);
    std::vector<int64_t> dims(it->second.begin() + start, it->second.begin() + std::max(start, end));
    return one(int_constant({static_cast<int64_t>(dims.size())}, dims));
  }
  std::vector<const Constant*> in;
  for (const std::string& name : node.input()) {
    if (name.empty()) {
      in.push_back(nullptr);
      continue;
    }
    auto it = constants.find(name);
    if (it == constants.end()) return std::nullopt;
    in.push_back(&it->second);
  }
  if (in.empty() || !in[0]) return std::nullopt;
  const Constant& x = *in[0];
  const int64_t rank = static_cast<int64_t>(x.shape.size());
  if (op == "Identity") return one(x);
  if (op == "Cast") {
    using TP = onnx::TensorProto;
    const int64_t to = attr_int(node, "to", TP::FLOAT);
    Constant out{.shape = x.shape, .is_float = to == TP::FLOAT || to == TP::DOUBLE || to == TP::FLOAT16};
    for (int64_t i = 0; i < x.numel(); ++i) {
      if (out.is_float) out.floats.push_back(x.at(i));
      else out.ints.push_back(to == TP::BOOL ? x.at(i) != 0 : static_cast<int64_t>(x.at(i)));
    }
    return one(std::move(out));
  }
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") return in.size() == 2 && in[1] ? binary(op, x, *in[1]) : std::nullopt;
  if (op == "Equal") {
    if (in.size() != 2 || !in[1]) return std::nullopt;
    auto shape = broadcast_shape(x.shape, in[1]->shape);
    if (!shape) return fail("Equal of constants of shapes that do not broadcast");
    Constant out{.shape = *shape, .is_float = false};
    for (int64_t i = 0; i < out.numel(); ++i)
      out.ints.push_back(x.at(broadcast_index(i, *shape, x.shape)) == in[1]->at(broadcast_index(i, *shape, in[1]->shape)));
    return one(std::move(out));
  }
  if (op == "Where") {
    if (in.size() != 3 || !in[1] || !in[2]) return std::nullopt;
    auto shape = broadcast_shape(x.shape, in[1]->shape);
    if (shape) shape = broadcast_shape(*shape, in[2]->shape);
    if (!shape) return fail("Where of constants of shapes that do not broadcast");
    const Constant &a = *in[1], &b = *in[2];
    Constant out{.shape = *shape, .is_float = a.is_float || b.is_float};
    for (int64_t i = 0; i < out.numel(); ++i) {
      const Constant& pick = x.int_at(broadcast_index(i, *shape, x.shape)) ? a : b;
      const int64_t at = broadcast_index(i, *shape, pick.shape);
      if (out.is_float) out.floats.push_back(pick.at(at));
      else out.ints.push_back(pick.int_at(at));
    }
    return one(std::move(out));
  }
  if (op == "Sqrt" || op == "Neg") {
    Constant out{.shape = x.shape, .is_float = true};
    for (int64_t i = 0; i < x.numel(); ++i) out.floats.push_back(op == "Sqrt" ? std::sqrt(x.at(i)) : -x.at(i));
    return one(std::move(out));
  }
  if (op == "Gather") {
    if (in.size() < 2 || !in[1]) return std::nullopt;
    auto axis = normalize_axis(attr_int(node, "axis", 0), rank);
    if (!axis) return fail("Gather's axis is out of range");
    std::vector<int64_t> indices = in[1]->as_ints();
    for (int64_t& i : indices) {
      const int64_t extent = x.shape[static_cast<size_t>(*axis)];
      if (i < -extent || i >= extent) return fail("a Gather index is out of range");
      if (i < 0) i += extent;
    }
    return one(take(x, *axis, indices, in[1]->shape));
  }
  if (op == "Concat") {
    auto axis = normalize_axis(attr_int(node, "axis", 0), rank);
    if (!axis) return fail("Concat's axis is out of range");
    // Folded concats are 1-D shape lists in practice; higher ranks are left to the converter.
    if (rank != 1) return std::nullopt;
    Constant out{.shape = {0}, .is_float = x.is_float};
    for (const Constant* c : in) {
      if (!c || c->shape.size() != 1 || c->is_float != x.is_float) return std::nullopt;
      out.shape[0] += c->shape[0];
      out.floats.insert(out.floats.end(), c->floats.begin(), c->floats.end());
      out.ints.insert(out.ints.end(), c->ints.begin(), c->ints.end());
    }
    return one(std::move(out));
  }
  if (op == "Unsqueeze" || op == "Squeeze") {
    auto axes = axes_of(node, constants);
    if (!axes) return std::nullopt;
    Constant out = x;
    if (op == "Unsqueeze") {
      const int64_t out_rank = rank + static_cast<int64_t>(axes->size());
      std::vector<bool> inserted(static_cast<size_t>(out_rank));
      for (int64_t a : *axes) {
        auto n = normalize_axis(a, out_rank);
        if (!n) return fail("Unsqueeze's axis is out of range");
        inserted[static_cast<size_t>(*n)] = true;
      }
      out.shape.clear();
      size_t next = 0;
      for (size_t d = 0; d < inserted.size(); ++d) out.shape.push_back(inserted[d] ? 1 : x.shape[next++]);
    } else {
      out.shape.clear();
      for (int64_t d = 0; d < rank; ++d) {
        const bool listed = std::any_of(axes->begin(), axes->end(), [&](int64_t a) { return normalize_axis(a, rank) == d; });
        if (!(axes->empty() ? x.shape[static_cast<size_t>(d)] == 1 : listed)) out.shape.push_back(x.shape[static_cast<size_t>(d)]);
      }
    }
    return one(std::move(out));
  }
  if (op == "Reshape") {
    if (in.size() < 2 || !in[1]) return std::nullopt;
    std::vector<int64_t> shape = in[1]->as_ints();
    int64_t known = 1, infer = -1;
    for (size_t d = 0; d < shape.size(); ++d) {
      if (shape[d] == 0) shape[d] = d < x.shape.size() ? x.shape[d] : 0;
      if (shape[d] == -1) infer = static_cast<int64_t>(d);
      else known *= shape[d];
    }
    if (infer >= 0 && known > 0) shape[static_cast<size_t>(infer)] = x.numel() / known;
    Constant out = x;
    out.shape = shape;
    if (out.numel() != x.numel()) return fail("Reshape of a constant to a shape with another element count");
    return one(std::move(out));
  }
  if (op == "ConstantOfShape") {
    std::vector<int64_t> shape = x.as_ints();
    Constant fill = float_constant({1}, {0.0});
    if (const auto* v = find_attr(node, "value")) {
      auto c = constant_from_proto(v->t());
      if (!c) return fail(c.error().message);
      fill = std::move(*c);
    }
    Constant out{.shape = shape, .is_float = fill.is_float};
    if (out.numel() > (int64_t{1} << 24)) return std::nullopt;
    for (int64_t i = 0; i < out.numel(); ++i) {
      if (out.is_float) out.floats.push_back(fill.at(0));
      else out.ints.push_back(fill.int_at(0));
    }
    return one(std::move(out));
  }
  if (op == "Slice") {
    if (in.size() < 3 || !in[1] || !in[2]) return std::nullopt;
    const auto starts = in[1]->as_ints(), ends = in[2]->as_ints();
    std::vector<int64_t> axes(starts.size()), steps(starts.size(), 1);
    for (size_t i = 0; i < axes.size(); ++i) axes[i] = static_cast<int64_t>(i);
    if (in.size() > 3 && in[3]) axes = in[3]->as_ints();
    if (in.size() > 4 && in[4]) steps = in[4]->as_ints();
    if (rank != 1 || axes.size() != 1 || steps[0] < 1) return std::nullopt;
    const int64_t n = x.shape[0];
    auto clamp = [n](int64_t v) { return std::clamp(v < 0 ? v + n : v, int64_t{0}, n); };
    std::vector<int64_t> indices;
    for (int64_t i = clamp(starts[0]); i < clamp(ends[0]); i += steps[0]) indices.push_back(i);
    return one(take(x, 0, indices, {static_cast<int64_t>(indices.size())}));
  }
  return std::nullopt;
}

}  // namespace nnc::onnx_import
