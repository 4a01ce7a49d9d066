// `nnc emit MODEL --emit loops|llvm|asm|obj [-o PATH]`: the compiler's output at each stage.
#include <llvm/Support/raw_ostream.h>
#include <unistd.h>

#include <iostream>
#include <sstream>

#include "codegen/cpp/code_printer.h"
#include "codegen/llvm/codegen_llvm.h"
#include "codegen/llvm/target.h"
#include "driver/commands.h"
#include "driver/report.h"
#include "lower/lower.h"
#include "nnc/file_io.h"

namespace nnc {

namespace {

std::string loop_ir(const LoweredModel& lowered) {
  std::ostringstream text;
  codegen::CodePrinter(text).print_module(lowered.module);
  return text.str();
}

// LLVM IR (optimised for this machine), assembly or an object file.
std::string machine_code(const LoweredModel& lowered, EmitKind what) {
  codegen::initialize_llvm();
  auto target = codegen::host_target_machine();
  llvm::LLVMContext context;
  auto module = codegen::compile_to_llvm(lowered.module, context, *target);
  codegen::optimize(*module, *target);
  if (what == EmitKind::Llvm) {
    std::string text;
    llvm::raw_string_ostream stream(text);
    module->print(stream, nullptr);
    return stream.str();
  }
  return codegen::emit_machine_code(*module, *target, what == EmitKind::Obj ? codegen::MachineCodeKind::Object : codegen::MachineCodeKind::Assembly);
}

}  // namespace

int run_emit(const EmitOptions& options) {
  LoadedModel model = load_model(options.file);
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;

  LoweredModel lowered = lower_graph(model.graph, LowerOptions{.threads = options.threads});
  std::string result = options.what == EmitKind::Loops ? loop_ir(lowered) : machine_code(lowered, options.what);
  if (options.output.empty() || options.output == "-") {
    if (options.what == EmitKind::Obj && isatty(STDOUT_FILENO)) {
      std::cerr << "nnc: an object file is binary: write it with -o FILE\n";
      return kExitUsage;
    }
    std::cout << result;
    return kExitOk;
  }
  if (auto written = write_file_atomically(options.output, {result}); !written) {
    std::cerr << "nnc: error: " << written.error().message << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace nnc
