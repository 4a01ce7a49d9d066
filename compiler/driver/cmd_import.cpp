// `nnc import MODEL.onnx`: the ONNX model as an nnc model, through the importer plugin libnnc_onnx.so.
#include <filesystem>
#include <iostream>

#include "driver/commands.h"
#include "driver/plugin_loader.h"
#include "import/onnx_import.h"
#include "nnc/file_io.h"
#include "pipeline/model_loader.h"
#include "support/printable.h"

namespace nnc {

namespace {

// Whatever the importer's mappings let through (ONNX allows values that nnc's ops refuse, such as a negative
// epsilon), a model that `nnc check` would refuse is never written: its errors become the import's.
void refuse_what_check_would(ImportOutcome& outcome, const std::string& yaml_path) {
  LoadedModel checked = load_model_text(yaml_path, outcome.yaml);
  for (const Diagnostic& d : checked.diags.sorted())
    if (d.severity == Severity::Error) outcome.errors.push_back("the imported model would fail nnc check: " + d.message);
  if (checked.diags.has_errors()) outcome.status = kExitModelError;
}

}  // namespace

int run_import(const ImportOptions& options) {
  auto entry = plugin_symbol("libnnc_onnx.so", kImportOnnxSymbol);
  if (!entry) {
    std::cerr << "nnc: error: cannot load nnc's ONNX importer: " << printable(entry.error().message) << "\n";
    return kExitUsage;
  }
  std::filesystem::path yaml = options.output;
  if (yaml.empty()) yaml = std::filesystem::path(options.file).replace_extension(".yaml");
  std::filesystem::path weights = yaml;
  weights.replace_extension(".safetensors");
  if (weights == yaml) {
    std::cerr << "nnc: error: -o " << printable(yaml.string()) << ": give OUT.yaml; the weights go to OUT.safetensors beside it\n";
    return kExitUsage;
  }
  ImportRequest request{.model_path = options.file, .yaml_path = yaml.string(), .input_shape = options.input_shape};
  ImportOutcome outcome;
  reinterpret_cast<ImportOnnx*>(*entry)(request, outcome);
  if (outcome.status == kExitOk) refuse_what_check_would(outcome, yaml.string());
  if (outcome.status == kExitOk) {
    if (auto written = write_files_atomically({{weights.string(), {outcome.weights}}, {yaml.string(), {outcome.yaml}}}); !written) {
      outcome.status = kExitUsage;
      outcome.errors.push_back(written.error().message);
    }
  }
  for (const std::string& error : outcome.errors) std::cerr << "nnc: error: " << printable(error) << "\n";
  if (outcome.status != kExitOk) {
    if (outcome.errors.size() > 1) std::cerr << "nnc: " << outcome.errors.size() << " errors; nothing written\n";
    else std::cerr << "nnc: nothing written\n";
    return outcome.status;
  }
  std::cout << "wrote " << printable(yaml.string()) << " (" << outcome.layers << " layers) and " << printable(weights.string()) << "\n";
  return kExitOk;
}

}  // namespace nnc
