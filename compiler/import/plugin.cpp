// libnnc_onnx.so's entry point: read, check and convert the ONNX model, then write OUT.yaml and OUT.safetensors
// together, whole or not at all.
#include <fmt/format.h>

#include <filesystem>

#include "import/converter.h"
#include "import/onnx_model.h"
#include "nnc/file_io.h"
#include "nnc/safetensors.h"

namespace nnc::onnx_import {

namespace {

void import_onnx(const ImportRequest& request, ImportOutcome& outcome) {
  auto proto = parse_onnx(request.model_path, outcome);
  if (!proto) return;
  outcome.errors = unknown_ops(proto->graph());
  if (!outcome.errors.empty()) {
    outcome.status = kModelError;
    return;
  }
  auto model = prepare_onnx(std::move(proto), request, outcome);
  if (!model) return;
  Conversion conversion = convert(*model);
  if (!conversion.errors.empty()) {
    outcome.status = kModelError;
    outcome.errors = std::move(conversion.errors);
    return;
  }
  const std::filesystem::path yaml_path(request.yaml_path);
  std::filesystem::path weights_path = yaml_path;
  weights_path.replace_extension(".safetensors");
  ModelText text{.origin = std::filesystem::path(request.model_path).filename().string(),
                 .input_name = "input",
                 .input_shape = model->shapes.at(model->input),
                 .weights_file = weights_path.filename().string(),
                 .output = conversion.output};
  const std::string yaml = model_yaml(text, conversion.layers);
  auto weights = encode_safetensors(conversion.weights);
  if (!weights) {
    outcome.status = kModelError;
    outcome.errors.push_back(weights.error().message);
    return;
  }
  if (auto written = write_files_atomically({{weights_path.string(), {*weights}}, {yaml_path.string(), {yaml}}}); !written) {
    outcome.status = kUsageError;
    outcome.errors.push_back(written.error().message);
    return;
  }
  outcome.layers = static_cast<int>(conversion.layers.size());
}

}  // namespace

}  // namespace nnc::onnx_import

extern "C" __attribute__((visibility("default"))) void nnc_import_onnx(const nnc::ImportRequest& request, nnc::ImportOutcome& outcome) {
  try {
    nnc::onnx_import::import_onnx(request, outcome);
  } catch (const std::bad_alloc&) {
    outcome.status = nnc::onnx_import::kUsageError;
    outcome.errors = {"out of memory"};
  } catch (const std::exception& e) {
    outcome.status = nnc::onnx_import::kBug;
    outcome.errors = {fmt::format("this is a bug in nnc import: {}", e.what())};
  }
}
