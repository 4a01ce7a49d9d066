// libnnc_onnx.so's entry point: read, check and convert the ONNX model into the texts of OUT.yaml and
// OUT.safetensors.
#include <fmt/format.h>

#include "import/onnx_model.h"
#include "import/onnx_translate.h"

namespace nnc::onnx_import {

namespace {

void import_onnx(const ImportRequest& request, ImportOutcome& outcome) {
  auto proto = parse_onnx(request.model_path, outcome);
  if (!proto) return;
  auto model = translate_onnx(std::move(proto), request, outcome);
  if (!model) return;
  outcome.yaml = std::move(model->yaml);
  outcome.weights = std::move(model->weights);
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
