#include "import/model_text.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

namespace nnc::onnx_import {

namespace {

// torch.onnx's scoped names repeat the module path: `/layer1/layer1.0/conv1/Conv` is `layer1.0.conv1.Conv`.
std::string scoped_path(const std::string& name) {
  std::string path;
  for (size_t start = 0; start <= name.size();) {
    const size_t slash = std::min(name.find('/', start), name.size());
    const std::string segment = name.substr(start, slash - start);
    start = slash + 1;
    if (segment.empty()) continue;
    path = path.empty() || segment.starts_with(path + ".") ? segment : path + "." + segment;
  }
  return path;
}

}  // namespace

std::string LayerNames::make(const std::string& wanted) {
  std::string clean;
  for (const unsigned char c : scoped_path(wanted)) clean += (std::isalnum(c) || c == '_' || c == '-' || c == '.') ? static_cast<char>(c) : '_';
  if (clean.empty()) clean = "layer";
  std::string name = clean;
  for (int n = 2; used_.count(name); ++n) name = fmt::format("{}_{}", clean, n);
  used_.insert(name);
  return name;
}

// JSON strings are YAML double-quoted scalars.
std::string yaml_string(const std::string& s) { return nlohmann::json(s).dump(); }

std::string yaml_float(float v) {
  std::string text = fmt::format("{}", v);
  if (text.find_first_of(".en") == std::string::npos) text += ".0";
  return text;
}

std::string yaml_ints(const std::vector<int64_t>& v) { return fmt::format("[{}]", fmt::join(v, ", ")); }

std::string model_yaml(const ModelText& model, const std::vector<Layer>& layers) {
  std::string text = fmt::format("# Imported by `nnc import` from {}.\n", yaml_string(model.origin));
  text += fmt::format("input: {{shape: {}, name: {}}}\n", yaml_ints(model.input_shape), yaml_string(model.input_name));
  text += fmt::format("weights: {}\nlayers:\n", yaml_string(model.weights_file));
  std::string previous = model.input_name;
  for (const Layer& layer : layers) {
    text += fmt::format("  - {{op: {}, name: {}", layer.op, yaml_string(layer.name));
    if (layer.inputs_list) {
      std::vector<std::string> quoted;
      for (const auto& i : layer.inputs) quoted.push_back(yaml_string(i));
      text += fmt::format(", inputs: [{}]", fmt::join(quoted, ", "));
    } else if (!layer.inputs.empty() && layer.inputs[0] != previous) {
      text += fmt::format(", input: {}", yaml_string(layer.inputs[0]));
    }
    for (const auto& [key, value] : layer.attrs) text += fmt::format(", {}: {}", key, value);
    text += "}\n";
    previous = layer.name;
  }
  if (layers.empty() || layers.back().name != model.output) text += fmt::format("output: {}\n", yaml_string(model.output));
  return text;
}

}  // namespace nnc::onnx_import
