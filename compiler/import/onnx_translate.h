#pragma once
// An ONNX model turned into the text of an nnc model and of its safetensors weights, in memory.
#include <memory>
#include <optional>
#include <string>

#include "import/onnx_import.h"

namespace onnx {
class ModelProto;
}

namespace nnc::onnx_import {

struct TranslatedModel {
  std::string yaml;     // its `weights:` names the file beside request.yaml_path with the extension .safetensors
  std::string weights;  // that file's bytes
  int layers = 0;
};

// The parsed model checked, shaped, folded and converted; or none, with `outcome` filled with the status and every error.
std::optional<TranslatedModel> translate_onnx(std::unique_ptr<onnx::ModelProto> proto, const ImportRequest& request, ImportOutcome& outcome);

}  // namespace nnc::onnx_import
