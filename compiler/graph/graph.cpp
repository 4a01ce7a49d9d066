#include "graph/graph.h"

namespace nnc {

std::string weights_key(const Layer& layer, const ParamSpec& param) {
  return param.key.empty() ? layer.name : layer.name + "." + param.key;
}

int Graph::find_layer(std::string_view layer_name) const {
  for (size_t i = 0; i < layers.size(); ++i)
    if (layers[i].name == layer_name) return static_cast<int>(i);
  return -1;
}

const Shape* Graph::shape_of(const InputRef& ref) const {
  if (ref.layer == InputRef::kModelInput) return input_shape.empty() ? nullptr : &input_shape;
  if (ref.layer < 0 || ref.layer >= static_cast<int>(layers.size())) return nullptr;
  const auto& s = layers[ref.layer].shape;
  return s ? &*s : nullptr;
}

int64_t param_count(const Layer& layer) {
  int64_t n = 0;
  for (const auto& p : layer.params)
    if (p.learnable) n += element_count(p.shape).value_or(0);
  return n;
}

GraphTotals totals(const Graph& graph) {
  GraphTotals t;
  if (auto n = element_count(graph.input_shape)) {
    t.largest_activation = *n;
    t.largest_activation_name = graph.input_name;
  }
  for (const auto& layer : graph.layers) {
    t.params += param_count(layer);
    for (const auto& p : layer.params) t.stored += element_count(p.shape).value_or(0);
    t.macs = checked::saturating_add(t.macs, layer.macs);
    if (!layer.shape) continue;
    int64_t n = element_count(*layer.shape).value_or(0);
    if (n > t.largest_activation) {
      t.largest_activation = n;
      t.largest_activation_name = layer.name;
    }
  }
  return t;
}

}  // namespace nnc
