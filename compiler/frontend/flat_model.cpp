#include "frontend/flat_model.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "frontend/flow_yaml.h"
#include "graph/op_schema.h"

namespace nnc {

std::string flat_model_text(const Graph& graph) {
  auto tensor = [&](const InputRef& ref) { return flow_string(ref.layer >= 0 ? graph.layers[ref.layer].name : graph.input_name); };
  std::string out = fmt::format("name: {}\n", flow_string(graph.name));
  out += fmt::format("input: {{shape: [{}]{}}}\n", fmt::join(graph.input_shape, ", "),
                     graph.input_name == "input" ? "" : ", name: " + flow_string(graph.input_name));
  if (!graph.weights.empty()) out += fmt::format("weights: {}\n", flow_string(graph.weights));
  out += "layers:\n";
  for (size_t i = 0; i < graph.layers.size(); ++i) {
    const Layer& layer = graph.layers[i];
    std::string line = fmt::format("  - {{name: {}, op: {}", flow_string(layer.name), layer.op);
    const bool one = layer.inputs.size() == 1 && layer.schema && reads_one(layer.schema->inputs);
    if (one && layer.inputs[0].layer != static_cast<int>(i) - 1) line += ", input: " + tensor(layer.inputs[0]);
    if (!one && !layer.inputs.empty()) {
      std::vector<std::string> names;
      for (const InputRef& ref : layer.inputs) names.push_back(tensor(ref));
      line += fmt::format(", inputs: [{}]", fmt::join(names, ", "));
    }
    if (!layer.written.empty()) line += ", " + layer.written;
    out += line + "}\n";
  }
  if (graph.output >= 0 && graph.output + 1 != static_cast<int>(graph.layers.size()))
    out += fmt::format("output: {}\n", flow_string(graph.layers[graph.output].name));
  return out;
}

}  // namespace nnc
