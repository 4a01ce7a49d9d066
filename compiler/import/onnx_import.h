#pragma once
// The interface of nnc's ONNX importer, a plugin (libnnc_onnx.so) that only `nnc import` loads, so that no other
// command links or loads ONNX and protobuf. The plugin reads and converts; it writes nothing.
#include <cstdint>
#include <string>
#include <vector>

namespace nnc {

struct ImportRequest {
  std::string model_path;          // the .onnx file
  std::string yaml_path;           // OUT.yaml; OUT.safetensors goes beside it
  std::vector<int64_t> input_shape;  // empty: the model's own (every dimension must then be fixed)
};

struct ImportOutcome {
  int status = 0;                   // the driver's exit codes: 0 ok, 1 model error, 2 unreadable or invalid, 3 bug
  std::vector<std::string> errors;  // one line each, without the "nnc: error: " prefix
  // When status is 0: the model's text (its `weights:` names OUT.safetensors), that file's bytes, and its layer
  // count. The driver checks the model and writes both files.
  std::string yaml, weights;
  int layers = 0;
};

namespace onnx_import {
inline constexpr int kModelError = 1, kUsageError = 2, kBug = 3;
}  // namespace onnx_import

// The plugin's one exported symbol.
extern "C" using ImportOnnx = void(const ImportRequest& request, ImportOutcome& outcome);
inline constexpr const char* kImportOnnxSymbol = "nnc_import_onnx";

}  // namespace nnc
