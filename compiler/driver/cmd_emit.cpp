// `nnc emit MODEL --emit loops|cpp|llvm|asm|obj [-o PATH]`: the compiler's output at each stage.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <string_view>
#include <utility>
#include <vector>

#include "codegen/cpp/code_printer.h"
#include "codegen/cpp/emit_cpp.h"
#include "codegen/cpp/weights_file.h"
#include "driver/backend.h"
#include "driver/commands.h"
#include "driver/compiled_run.h"
#include "driver/report.h"
#include "lower/lower.h"
#include "nnc/file_io.h"
#include "nnc/safetensors.h"

namespace nnc {

namespace {

std::string loop_ir(const LoweredModel& lowered) {
  std::ostringstream text;
  codegen::CodePrinter(text).print_module(lowered.module);
  return text.str();
}

// NAME.hpp and NAME.cpp in the directory options.output; with --weights-file also NAME.safetensors, the parameters
// the code then loads at run time instead of embedding them.
int write_cpp(const EmitOptions& options, const LoadedModel& model, const LoweredModel& lowered) {
  if (options.output.empty() || options.output == "-") {
    std::cerr << "nnc: --emit cpp writes two files: give their directory with -o DIR\n";
    return kExitUsage;
  }
  ParameterSet params;
  if (auto status = obtain_parameters(options.weights, options.seed, model, params)) return *status;
  std::optional<Tensor> packed;
  if (!options.weights_file) packed = pack_parameters(lowered.params, params);
  codegen::CppSources sources = codegen::emit_cpp(lowered, packed ? packed->data() : nullptr,
                                                  {.model_name = model.graph.name,
                                                   .model_file = std::filesystem::path(options.file).filename().string(),
                                                   .nnc_version = NNC_VERSION,
                                                   .weights_file = options.weights_file});
  std::vector<std::pair<std::string, std::string_view>> files;
  std::string weights;
  if (options.weights_file) {
    auto encoded = encode_safetensors(params);
    if (!encoded) {
      std::cerr << "nnc: error: cannot write the weights file: " << encoded.error().message << "\n";
      return kExitModelError;
    }
    weights = std::move(*encoded);
    files.emplace_back(codegen::weights_file_name(sources.name), weights);
  }
  files.emplace_back(sources.name + ".hpp", sources.header);
  files.emplace_back(sources.name + ".cpp", sources.source);

  std::error_code error;
  std::filesystem::create_directories(options.output, error);
  if (error) {
    std::cerr << "nnc: error: cannot create " << options.output << ": " << error.message() << "\n";
    return kExitUsage;
  }
  for (const auto& [name, content] : files) {
    std::string path = (std::filesystem::path(options.output) / name).string();
    if (auto written = write_file_atomically(path, {content}); !written) {
      std::cerr << "nnc: error: " << written.error().message << "\n";
      return kExitUsage;
    }
  }
  return kExitOk;
}

}  // namespace

int run_emit(const EmitOptions& options) {
  if (options.weights_file && options.what != EmitKind::Cpp) {
    std::cerr << "nnc: --weights-file is for --emit cpp only\n";
    return kExitUsage;
  }
  LoadedModel model = load_model(options.file);
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;

  LoweredModel lowered = lower_graph(model.graph, LowerOptions{.threads = options.threads});
  std::string result;
  if (options.what == EmitKind::Cpp) return write_cpp(options, model, lowered);
  if (options.what == EmitKind::Loops) {
    result = loop_ir(lowered);
  } else {
    auto backend = llvm_backend();
    if (!backend) {
      std::cerr << "nnc: error: " << backend.error().message << "\n";
      return kExitUsage;
    }
    result = (*backend)->emit(lowered, options.what == EmitKind::Llvm ? MachineCode::LlvmIr
                                       : options.what == EmitKind::Asm ? MachineCode::Assembly : MachineCode::Object);
  }
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
