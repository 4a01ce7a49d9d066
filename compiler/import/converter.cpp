#include "import/converter.h"

#include <fmt/format.h>

#include "import/attributes.h"
#include "import/fold.h"

namespace nnc::onnx_import {

namespace {

const std::map<std::string, Mapping>& mappings() {
  static const std::map<std::string, Mapping> table = [] {
    std::map<std::string, Mapping> t;
    add_nn_mappings(t);
    add_tensor_mappings(t);
    add_pattern_mappings(t);
    return t;
  }();
  return table;
}

std::string domain_name(const std::string& domain) { return domain.empty() ? "ai.onnx" : domain; }

}  // namespace

Tensor tensor_of(const Constant& c, std::vector<int64_t> shape) {
  const Shape want(shape.begin(), shape.end());
  if (element_count(want) != c.numel())
    throw Unsupported{fmt::format("a constant of shape {} where shape {} is needed", to_string(c.shape), to_string(want))};
  return Tensor::of(want, c.as_floats());
}

Tensor tensor_of(const Constant& c) { return tensor_of(c, c.shape.empty() ? std::vector<int64_t>{1} : c.shape); }

std::string size_pair(int64_t h, int64_t w) { return h == w ? std::to_string(h) : yaml_ints({h, w}); }

int64_t axis_of(int64_t axis, int64_t rank) {
  auto a = normalize_axis(axis, rank);
  if (!a) throw Unsupported{fmt::format("axis {} is out of range for rank {}", axis, rank)};
  return *a;
}

Converter::Converter(const OnnxModel& m) : model(m), names_("input") {
  tensors_[model.input] = "input";
  for (const auto* node : model.nodes)
    for (const auto& in : node->input()) consumers_[in].push_back(node);
}

const Constant& Converter::constant(const std::string& value) const {
  auto it = model.constants.find(value);
  if (it == model.constants.end()) throw Unsupported{fmt::format("input '{}' is computed by the graph; nnc needs a constant here", value)};
  return it->second;
}

const std::string& Converter::tensor(const std::string& value) const {
  auto it = tensors_.find(value);
  if (it == tensors_.end()) throw Unsupported{fmt::format("input '{}' is not a tensor nnc computes", value)};
  return it->second;
}

const std::vector<int64_t>& Converter::shape(const std::string& value) const {
  if (auto c = model.constants.find(value); c != model.constants.end()) return c->second.shape;
  auto it = model.shapes.find(value);
  if (it == model.shapes.end()) throw Unsupported{fmt::format("ONNX shape inference gives no static shape for '{}'", value)};
  return it->second;
}

Layer& Converter::add_layer(const Node& node, const std::string& op, std::vector<std::string> inputs,
                            std::vector<std::pair<std::string, std::string>> attrs, const std::string& suffix) {
  Layer layer{.name = names_.make(node_label(node) + suffix), .op = op, .inputs = std::move(inputs), .attrs = std::move(attrs)};
  layer.inputs_list = layer.inputs.size() > 1 || op == "add" || op == "concat";
  tensors_[node.output(0)] = layer.name;
  layers_.push_back(std::move(layer));
  return layers_.back();
}

std::string Converter::operand(const std::string& value) {
  if (auto it = tensors_.find(value); it != tensors_.end()) return it->second;
  const Constant& c = constant(value);
  const std::string name = names_.make(value);
  const Tensor t = tensor_of(c);
  layers_.push_back(Layer{.name = name, .op = "parameter", .attrs = {{"shape", yaml_ints({t.shape().begin(), t.shape().end()})}}});
  weights_[name] = t.clone();
  tensors_[value] = name;
  return name;
}

const Converter::Node* Converter::sole_consumer(const std::string& value) const {
  auto it = consumers_.find(value);
  if (value == model.output || it == consumers_.end() || it->second.size() != 1) return nullptr;
  return it->second[0];
}

std::vector<const Converter::Node*> Converter::consumers(const std::string& value) const {
  auto it = consumers_.find(value);
  return it == consumers_.end() ? std::vector<const Node*>{} : it->second;
}

void Converter::map_node(const Node& node) {
  auto it = mappings().find(node.op_type());
  if ((!node.domain().empty() && node.domain() != "ai.onnx") || it == mappings().end())
    throw Unsupported{"nnc has no op for it"};
  it->second(*this, node);
}

Conversion Converter::run() {
  Conversion out;
  for (const Node* node : model.nodes) {
    if (absorbed_.count(node)) continue;
    try {
      map_node(*node);
    } catch (const Unsupported& u) {
      out.errors.push_back(fmt::format("node '{}' ({}, domain {}): {}", node_label(*node),
                                       node->op_type(), domain_name(node->domain()), u.why));
    }
  }
  if (out.errors.empty()) {
    if (model.constants.count(model.output)) out.errors.push_back(fmt::format("the graph's output '{}' is a constant", model.output));
    else if (tensors_.count(model.output)) out.output = tensors_.at(model.output);
    else out.errors.push_back(fmt::format("the graph's output '{}' is neither its input nor computed by any node", model.output));
  }
  if (out.errors.empty()) {
    if (out.output == "input" || layers_.empty()) {
      layers_.push_back(Layer{.name = names_.make("identity"), .op = "identity", .inputs = {"input"}});
      out.output = layers_.back().name;
    }
  }
  out.layers = std::move(layers_);
  out.weights = std::move(weights_);
  return out;
}

Conversion convert(const OnnxModel& model) { return Converter(model).run(); }

std::vector<std::string> unknown_ops(const onnx::GraphProto& graph) {
  // Ops with no mapping of their own that folding computes, or that only patterns read.
  static const std::set<std::string> folded_or_in_patterns = {"Constant", "Shape", "ConstantOfShape", "Equal", "Where",
                                                                       "Erf", "Pow", "Sqrt", "Neg"};
  std::vector<std::string> errors;
  for (const auto& node : graph.node()) {
    const bool onnx_domain = node.domain().empty() || node.domain() == "ai.onnx";
    if (onnx_domain && (mappings().count(node.op_type()) || folded_or_in_patterns.count(node.op_type()))) continue;
    errors.push_back(fmt::format("node '{}' ({}, domain {}): nnc has no op for it", node_label(node),
                                 node.op_type(), domain_name(node.domain())));
  }
  return errors;
}

}  // namespace nnc::onnx_import
