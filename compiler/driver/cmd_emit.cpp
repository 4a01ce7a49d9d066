// `nnc emit MODEL --emit loops|cpp|llvm|asm|obj [-o PATH]`: the compiler's output at each stage.
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "codegen/cpp/code_printer.h"
#include "driver/commands.h"
#include "driver/output_file.h"
#include "driver/report.h"
#include "lower/lower.h"

namespace nnc {

int run_emit(const EmitOptions& options) {
  LoadedModel model = load_model(options.file);
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;

  LoweredModel lowered = lower_graph(model.graph, LowerOptions{.threads = options.threads});
  std::ostringstream text;
  if (options.what == EmitKind::Loops) {
    codegen::CodePrinter printer(text);
    for (const ir::Function& f : lowered.module.functions) printer.print_function(f);
  } else {
    return emit_machine_code(options, lowered);
  }
  if (options.output.empty() || options.output == "-") {
    std::cout << text.str();
    return kExitOk;
  }
  std::string error;
  if (!write_file_atomically(options.output, text.str(), error)) {
    std::cerr << "nnc: " << error << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace nnc
