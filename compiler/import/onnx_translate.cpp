#include "import/onnx_translate.h"

#include <filesystem>

#include "import/converter.h"
#include "import/model_text.h"
#include "import/onnx_model.h"
#include "nnc/safetensors.h"

namespace nnc::onnx_import {

std::optional<TranslatedModel> translate_onnx(std::unique_ptr<onnx::ModelProto> proto, const ImportRequest& request, ImportOutcome& outcome) {
  outcome.errors = unknown_ops(proto->graph());
  if (!outcome.errors.empty()) {
    outcome.status = kModelError;
    return std::nullopt;
  }
  auto model = prepare_onnx(std::move(proto), request, outcome);
  if (!model) return std::nullopt;
  Conversion conversion = convert(*model);
  if (!conversion.errors.empty()) {
    outcome.status = kModelError;
    outcome.errors = std::move(conversion.errors);
    return std::nullopt;
  }
  ModelText text{.origin = std::filesystem::path(request.model_path).filename().string(),
                 .input_name = "input",
                 .input_shape = model->shapes.at(model->input),
                 .weights_file = std::filesystem::path(request.yaml_path).replace_extension(".safetensors").filename().string(),
                 .output = conversion.output};
  auto weights = encode_safetensors(conversion.weights);
  if (!weights) {
    outcome.status = kModelError;
    outcome.errors.push_back(weights.error().message);
    return std::nullopt;
  }
  return TranslatedModel{model_yaml(text, conversion.layers), std::move(*weights), static_cast<int>(conversion.layers.size())};
}

}  // namespace nnc::onnx_import
