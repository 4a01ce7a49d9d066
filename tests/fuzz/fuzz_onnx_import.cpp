// libFuzzer target: any bytes, imported as an ONNX model the way `nnc import` does it, short of writing the files.
// Nothing may crash, hang or throw (the plugin would report an exception as a bug in nnc); a failed import must
// say why; a model that imports is read back as `nnc import` checks it before writing, and must come with weights
// that nnc can read.
//
//   build/bin/fuzz_onnx_import -max_total_time=60 build/tests/fuzz/onnx_seeds
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "import/onnx_model.h"
#include "import/onnx_translate.h"
#include "nnc/safetensors.h"
#include "pipeline/model_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const nnc::ImportRequest request{.model_path = "fuzz.onnx", .yaml_path = "fuzz.yaml", .input_shape = {}};
  nnc::ImportOutcome outcome;
  auto proto = nnc::onnx_import::parse_onnx_bytes(std::string(reinterpret_cast<const char*>(data), size), request.model_path, outcome);
  if (!proto) return 0;
  auto model = nnc::onnx_import::translate_onnx(std::move(proto), request, outcome);
  if (!model) {
    if (outcome.status == 0 || outcome.errors.empty()) {
      std::fprintf(stderr, "a failed import says neither its status nor why\n");
      std::abort();
    }
    return 0;
  }
  nnc::load_model_text(request.yaml_path, model->yaml);  // as `nnc import` checks it before writing: no crash
  if (auto weights = nnc::SafetensorsFile::parse(model->weights, "fuzz.safetensors"); !weights) {
    std::fprintf(stderr, "an import wrote weights nnc cannot read: %s\n", weights.error().message.c_str());
    std::abort();
  }
  return 0;
}
