// `nnc emit MODEL --emit loops|cpp|llvm|asm|obj [-o PATH]`: the compiler's output at each stage.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "codegen/cpp/bundle_header.h"
#include "codegen/cpp/code_printer.h"
#include "codegen/cpp/emit_cpp.h"
#include "codegen/cpp/weights_file.h"
#include "driver/backend_loader.h"
#include "driver/commands.h"
#include "driver/compiled_run.h"
#include "nnc/file_io.h"
#include "nnc/safetensors.h"
#include "ops/registry.h"
#include "pipeline/compile_model.h"
#include "pipeline/report.h"
#include "support/identifier.h"
#include "support/printable.h"

namespace nnc {

namespace {

namespace fs = std::filesystem;

std::string loop_ir(const LoweredModel& lowered) {
  std::ostringstream text;
  codegen::CodePrinter(text).print_module(lowered.module);
  return text.str();
}

bool to_stdout(const EmitOptions& options) { return options.output.empty() || options.output == "-"; }

codegen::ModelOrigin origin(const EmitOptions& options, const LoadedModel& model) {
  return {.model_name = model.graph.name, .model_file = fs::path(options.file).filename().string(), .nnc_version = NNC_VERSION};
}

// Characters a parameter takes in the emitted source at most: a hex float literal (hex_float_literal) and the
// separator after it.
constexpr double kParameterChars = 24;

// The parameters the emitted code embeds (--weights, else the model's `weights:`, else seeded), packed.
std::optional<int> packed_parameters(const EmitOptions& options, const LoadedModel& model, const LoweredModel& lowered, Tensor& packed) {
  ParameterSet params;
  if (auto status = obtain_parameters(options.weights, options.seed, model, params)) return status;
  packed = pack_parameters(lowered.module.params, params);
  return std::nullopt;
}

std::optional<int> create_output_directory(const fs::path& directory) {
  std::error_code error;
  fs::create_directories(directory, error);
  if (!error) return std::nullopt;
  std::cerr << "nnc: error: cannot create " << printable(directory.string()) << ": " << error.message() << "\n";
  return kExitUsage;
}

// All of them or, on any failure, none: an existing header never ends up beside a source it does not match.
int write_files(const std::vector<std::pair<fs::path, const std::string*>>& files) {
  std::vector<OutputFile> outputs;
  for (const auto& [path, text] : files) outputs.push_back({path.string(), {*text}});
  if (auto written = write_files_atomically(outputs); !written) {
    std::cerr << "nnc: error: " << printable(written.error().message) << "\n";
    return kExitUsage;
  }
  return kExitOk;
}

// NAME.hpp and NAME.cpp in the directory options.output; with --weights-file also NAME.safetensors, the parameters
// the code then loads at run time instead of embedding them.
int write_cpp(const EmitOptions& options, const LoadedModel& model, const LoweredModel& lowered) {
  if (to_stdout(options)) {
    std::cerr << "nnc: --emit cpp writes two files: give their directory with -o DIR\n";
    return kExitUsage;
  }
  MemoryNeed need;
  add_parameter_memory(options.weights, model, need);
  const double parameters = static_cast<double>(totals(model.graph).stored), packed_floats = static_cast<double>(lowered.module.params.total);
  if (options.weights_file) {
    need.add_floats("the weights file, encoded", parameters);
  } else {
    need.add_floats("the packed parameter block", packed_floats);
    // Built in a string, copied into the source's stream, and copied out of it.
    need.add("the source text embedding them (3 copies)", 3 * kParameterChars * packed_floats);
  }
  if (auto status = need.refuse_if_too_large("emitting this model as C++")) return *status;
  ParameterSet params;
  if (auto status = obtain_parameters(options.weights, options.seed, model, params)) return *status;
  std::optional<Tensor> packed;
  if (!options.weights_file) packed = pack_parameters(lowered.module.params, params);
  codegen::CppSources sources =
      codegen::emit_cpp(lowered.module, packed ? packed->data() : nullptr, origin(options, model),
                        options.weights_file ? codegen::ParameterStorage::WeightsFile : codegen::ParameterStorage::Embedded);
  const fs::path directory = options.output;
  std::vector<std::pair<fs::path, const std::string*>> files;
  std::string weights;
  if (options.weights_file) {
    auto encoded = encode_safetensors(params);
    if (!encoded) {
      std::cerr << "nnc: error: cannot write the weights file: " << printable(encoded.error().message) << "\n";
      return kExitModelError;
    }
    weights = std::move(*encoded);
    files.emplace_back(directory / codegen::weights_file_name(sources.name), &weights);
  }
  files.emplace_back(directory / (sources.name + ".hpp"), &sources.header);
  files.emplace_back(directory / (sources.name + ".cpp"), &sources.source);
  // Everything is prepared before the first file is written.
  if (auto status = create_output_directory(directory)) return *status;
  return write_files(files);
}

// The AOT bundle, NAME.o and NAME.hpp: in the directory options.output or, when options.output ends in .o, that
// file with the header beside it.
int write_bundle(const EmitOptions& options, const LoadedModel& model, const LoweredModel& lowered, Backend& backend) {
  if (to_stdout(options)) {
    std::cerr << "nnc: --emit obj writes two files, NAME.o and NAME.hpp: give their directory with -o DIR, or the "
                 "object's path with -o FILE.o (the header goes beside it)\n";
    return kExitUsage;
  }
  const std::string name = model_identifier(model.graph.name);
  const bool names_object = fs::path(options.output).extension() == ".o";
  const fs::path directory = names_object ? fs::path(options.output).parent_path() : fs::path(options.output);
  const fs::path object = names_object ? fs::path(options.output) : directory / (name + ".o");
  MemoryNeed need;
  add_parameter_memory(options.weights, model, need);
  const double packed_floats = static_cast<double>(lowered.module.params.total);
  need.add_floats("the packed parameter block", packed_floats);
  // LLVM's constant, the object file as it is written, and its bytes handed back.
  need.add_floats("the object code embedding them (3 copies)", 3 * packed_floats);
  if (auto status = need.refuse_if_too_large("emitting this model as an object file")) return *status;
  Tensor packed;
  if (auto status = packed_parameters(options, model, lowered, packed)) return *status;
  const std::string code = backend.emit_bundle(lowered.module, packed.values(), codegen::bundle_entry_symbol(name));
  const std::string header = codegen::bundle_header(lowered.module, name, origin(options, model));
  if (!names_object)
    if (auto status = create_output_directory(directory)) return *status;
  return write_files({{object, &code}, {directory / (name + ".hpp"), &header}});
}

}  // namespace

int run_emit(const EmitOptions& options) {
  if (options.weights_file && options.what != EmitKind::Cpp) {
    std::cerr << "nnc: --weights-file is for --emit cpp only\n";
    return kExitUsage;
  }
  LoadedModel model = load_model(options.file, {.set = options.set});
  print_diagnostics(std::cerr, model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (model.unreadable()) return kExitUsage;
  if (model.diags.has_errors()) return kExitModelError;

  LoweredModel lowered = compile_model(model.graph, {.threads = options.threads, .dump_after = options.dump_ir_after, .dump = &std::cerr});
  if (options.what == EmitKind::Cpp) return write_cpp(options, model, lowered);
  std::string result;
  if (options.what == EmitKind::Loops) {
    result = loop_ir(lowered);
  } else {
    auto backend = llvm_backend();
    if (!backend) {
      std::cerr << "nnc: error: " << backend.error().message << "\n";
      return kExitUsage;
    }
    if (options.what == EmitKind::Obj) return write_bundle(options, model, lowered, **backend);
    result = (*backend)->emit(lowered.module, options.what == EmitKind::Llvm ? MachineCode::LlvmIr : MachineCode::Assembly);
  }
  if (to_stdout(options)) {
    std::cout << result;
    return kExitOk;
  }
  return write_files({{options.output, &result}});
}

}  // namespace nnc
