// libFuzzer target: any bytes, read as a model file and shape-checked, and the diagnostics
// rendered in every format. Nothing may crash, hang or throw.
//
//   build/bin/fuzz_check -max_total_time=60 tests/diagnostics/cases examples
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "graph/summary.h"
#include "pipeline/model_loader.h"
#include "pipeline/report.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  nnc::LoadedModel model = nnc::load_model_text("fuzz.yaml", std::string(reinterpret_cast<const char*>(data), size));
  std::ostringstream out;
  nnc::print_diagnostics(out, model, nnc::TextStyle{true});
  nnc::print_github_annotations(out, model);
  out << nnc::model_json(model, true).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (!model.diags.has_errors()) out << nnc::format_summary(model.graph, model.path);
  return 0;
}
