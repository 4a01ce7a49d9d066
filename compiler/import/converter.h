#pragma once
// ONNX nodes to nnc layers: the op mapping. Each mapping reads its node's inputs as tensors (layers) or constants
// and appends layers; a node nnc cannot express exactly is recorded as an error and conversion goes on, so one run
// names every such node.
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "import/model_text.h"
#include "import/onnx_model.h"
#include "nnc/tensor.h"

namespace nnc::onnx_import {

struct Conversion {
  std::vector<Layer> layers;
  std::map<std::string, Tensor> weights;
  std::string output;  // the layer (or the input) that is the model's output
  std::vector<std::string> errors;
};

Conversion convert(const OnnxModel& model);

// Every node whose op type (and domain) no mapping, folding or pattern knows, one message each: found before ONNX's
// checker runs, so that a graph using ops of other domains gets them all named.
std::vector<std::string> unknown_ops(const onnx::GraphProto& graph);

// Thrown by a mapping for the node at hand: it has no exact nnc equivalent.
struct Unsupported {
  std::string why;
};

class Converter {
 public:
  explicit Converter(const OnnxModel& model);
  Conversion run();

  // ---- used by the mappings
  const OnnxModel& model;
  using Node = onnx::NodeProto;

  bool is_const(const std::string& value) const { return model.constants.count(value) > 0; }
  const Constant& constant(const std::string& value) const;
  // The nnc tensor (layer or model input) holding an ONNX value; Unsupported when it is not a tensor.
  const std::string& tensor(const std::string& value) const;
  const std::vector<int64_t>& shape(const std::string& value) const;
  int64_t rank(const std::string& value) const { return static_cast<int64_t>(shape(value).size()); }
  // An optional input: present and not empty.
  static bool has_input(const Node& node, int i) { return node.input_size() > i && !node.input(i).empty(); }

  // Appends a layer named after the node (plus `suffix`) reading `inputs`; `output` (default: the node's first
  // output) then names it.
  Layer& add_layer(const Node& node, const std::string& op, std::vector<std::string> inputs,
                   std::vector<std::pair<std::string, std::string>> attrs = {}, const std::string& suffix = "");
  void set_output(const std::string& value, const std::string& layer) { tensors_[value] = layer; }
  void add_weight(const std::string& key, Tensor t) { weights_[key] = std::move(t); }
  // The value as a tensor: a `parameter` layer (made once) for a constant.
  std::string operand(const std::string& value);
  // Exactly one node reads `value` (and it is not the graph's output): that node.
  const Node* sole_consumer(const std::string& value) const;
  // Every node that reads `value`.
  std::vector<const Node*> consumers(const std::string& value) const;
  void absorb(const Node* node) { absorbed_.insert(node); }

 private:
  void map_node(const Node& node);

  std::map<std::string, std::string> tensors_;
  std::map<std::string, std::vector<const Node*>> consumers_;
  std::set<const Node*> absorbed_;
  std::vector<Layer> layers_;
  std::map<std::string, Tensor> weights_;
  LayerNames names_;
};

using Mapping = std::function<void(Converter&, const onnx::NodeProto&)>;
// The op types each family maps (map_nn.cpp, map_tensor.cpp, map_patterns.cpp).
void add_nn_mappings(std::map<std::string, Mapping>& table);
void add_tensor_mappings(std::map<std::string, Mapping>& table);
void add_pattern_mappings(std::map<std::string, Mapping>& table);

// Helpers shared by the mappings.
std::string size_pair(int64_t h, int64_t w);  // `k`, or `[h, w]` when they differ
Tensor tensor_of(const Constant& c, std::vector<int64_t> shape);
Tensor tensor_of(const Constant& c);
int64_t axis_of(int64_t axis, int64_t rank);  // Unsupported when out of range

}  // namespace nnc::onnx_import
