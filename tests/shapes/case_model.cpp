#include "case_model.h"

#include <fmt/format.h>

#include <stdexcept>

#include "ops/registry.h"

namespace nnc_shapes {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* kSourceShape = "[1, 2, 4, 4]";

std::string flow_layer(const std::string& op, const std::string& name, const std::string& attrs) {
  return fmt::format("  - {{op: {}, name: {}, {}}}\n", op, name, attrs);
}

// The layers that turn the model input into `shape`; the last one is named `name`.
std::string build_input(const std::string& name, const nnc::Shape& shape) {
  if (shape.empty() || shape.size() > 4 || (shape.size() == 4 && shape[0] != 1))
    throw std::invalid_argument(fmt::format("cannot build an input of shape {} (see case_model.h)", nnc::to_string(shape)));
  const size_t rank = shape.size();
  const int64_t channels = rank == 4 ? shape[1] : rank == 1 ? 1 : shape[0];
  const int64_t height = rank <= 2 ? 1 : shape[rank - 2];
  const int64_t width = shape[rank - 1];
  const std::string pooled = rank == 4 ? name : name + "_size";
  std::string text = flow_layer("conv2d", name + "_channels", fmt::format("input: input, out_channels: {}, kernel_size: 1", channels));
  text += flow_layer("adaptive_avgpool2d", pooled, fmt::format("output_size: [{}, {}]", height, width));
  if (rank < 4) text += flow_layer("flatten", name, fmt::format("start_dim: 0, end_dim: {}", 4 - rank));
  return text;
}

std::string attribute_lines(const json& attrs) {
  std::string text;
  for (const auto& [key, value] : attrs.items()) text += fmt::format("    {}: {}\n", key, yaml_value(value));
  return text;
}

}  // namespace

std::string yaml_value(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (!value.is_array()) return value.dump();
  std::string text = "[";
  for (size_t i = 0; i < value.size(); ++i) text += (i ? ", " : "") + yaml_value(value[i]);
  return text + "]";
}

CaseModel case_model(const json& table_case) {
  const std::string op = table_case.at("op").get<std::string>();
  const json& inputs = table_case.at("inputs");
  CaseModel model;
  std::string layers, input_line;
  const nnc::OpDef* def = nnc::op_registry().find(op);
  const nnc::InputForm form = def ? def->schema.inputs : nnc::InputForm::One;
  if (form == nnc::InputForm::List || (form == nnc::InputForm::OneOrList && inputs.size() != 1)) {
    std::string names;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::string name = fmt::format("in{}", i);
      const auto shape = inputs[i].get<nnc::Shape>();
      layers += build_input(name, shape);
      model.built_inputs.emplace_back(name, shape);
      names += (i ? ", " : "") + name;
    }
    input_line = fmt::format("    inputs: [{}]\n", names);
  }
  const bool built = !input_line.empty() || form == nnc::InputForm::None;
  const std::string source = built ? kSourceShape : yaml_value(inputs.at(0));
  model.yaml = fmt::format("name: shape_case\ninput:\n  shape: {}\nlayers:\n{}  - op: {}\n    name: {}\n{}{}output: {}\n",
                           source, layers, op, kLayerUnderTest, input_line, attribute_lines(table_case.at("attrs")),
                           kLayerUnderTest);
  return model;
}

}  // namespace nnc_shapes
