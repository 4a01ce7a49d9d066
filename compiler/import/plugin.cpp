// libnnc_onnx.so's entry point: read, check and convert the ONNX model, then write OUT.yaml and OUT.safetensors
// together, whole or not at all.
#include <fmt/format.h>

#include <filesystem>

#include "import/onnx_model.h"
#include "import/onnx_translate.h"
#include "nnc/file_io.h"

namespace nnc::onnx_import {

namespace {

void import_onnx(const ImportRequest& request, ImportOutcome& outcome) {
  auto proto = parse_onnx(request.model_path, outcome);
  if (!proto) return;
  auto model = translate_onnx(std::move(proto), request, outcome);
  if (!model) return;
  const std::filesystem::path weights_path = std::filesystem::path(request.yaml_path).replace_extension(".safetensors");
  if (auto written = write_files_atomically({{weights_path.string(), {model->weights}}, {request.yaml_path, {model->yaml}}}); !written) {
    outcome.status = kUsageError;
    outcome.errors.push_back(written.error().message);
    return;
  }
  outcome.layers = model->layers;
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
