// `nnc expand MODEL`: the model with every block instance written out and every argument substituted.
#include <unistd.h>

#include <iostream>

#include "driver/commands.h"
#include "driver/text_output.h"
#include "frontend/flat_model.h"
#include "pipeline/report.h"

namespace nnc {

int run_expand(const ExpandOptions& options) {
  LoadedModel model = load_model(options.file, {.set = options.set, .keep_written = true});
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;
  const std::string text = flat_model_text(model.graph);
  return write_text_output(options.output, text);
}

}  // namespace nnc
