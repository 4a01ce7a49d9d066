#include "driver/compiled_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "nnc/npy.h"
#include "nnc/parallel.h"
#include "ops/registry.h"
#include "pipeline/compile_model.h"
#include "pipeline/report.h"
#include "support/printable.h"

namespace nnc {

namespace {

// `weights:` in the model is relative to the model file; --weights is as given.
std::string weights_path(const std::string& weights, const LoadedModel& model) {
  if (!weights.empty()) return weights;
  if (model.graph.weights.empty()) return "";
  return (std::filesystem::path(model.path).parent_path() / model.graph.weights).string();
}

// The bytes of `path`, or 0 when it cannot be read (reading it then fails with the reason).
double file_bytes(const std::string& path) {
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  return ec ? 0 : static_cast<double>(size);
}

// The outputs of every layer up to the model's output, all kept by run_reference, and its copy of the output.
double reference_floats(const Graph& graph) {
  double floats = static_cast<double>(*element_count(*graph.layers[graph.output].shape));
  for (int i = 0; i <= graph.output; ++i) floats += static_cast<double>(*element_count(*graph.layers[i].shape));
  return floats;
}

// Every copy of the model's tensors that run or bench holds at once.
MemoryNeed run_memory(const RunOptions& options, const LoadedModel& model, const LoweredModel& lowered) {
  MemoryNeed need;
  add_parameter_memory(options.weights, model, need);
  need.add_floats("the packed parameter block", static_cast<double>(lowered.module.params.total));
  need.add_floats("activations (the arena)", static_cast<double>(lowered.memory.arena));
  need.add_floats("the input", static_cast<double>(*element_count(lowered.module.input_shape)));
  if (!options.input.empty()) need.add("the input file, read whole", file_bytes(options.input));
  need.add_floats("the output", static_cast<double>(*element_count(lowered.module.output_shape)));
  if (options.verify) need.add_floats("the reference kernels' outputs (--verify)", reference_floats(model.graph));
  return need;
}

// The input tensor `options` asks for: a .npy file of the model's input shape, or seeded noise.
std::optional<int> read_input(const RunOptions& options, const Graph& graph, Tensor& input) {
  if (options.input.empty()) {
    input = random_input(graph.input_shape, options.seed);
    return std::nullopt;
  }
  auto read = read_npy(options.input);
  if (!read) {
    std::cerr << "nnc: error: " << printable(read.error().message) << "\n";
    return kExitUsage;
  }
  if (read->shape() != graph.input_shape) {
    std::cerr << fmt::format("nnc: error: {} holds shape {}, but the model's input '{}' has shape {}\n", printable(options.input),
                             to_string(read->shape()), printable(graph.input_name), to_string(graph.input_shape));
    return kExitModelError;
  }
  input = std::move(*read);
  return std::nullopt;
}


}  // namespace

void add_parameter_memory(const std::string& weights_option, const LoadedModel& model, MemoryNeed& need) {
  const std::string weights = weights_path(weights_option, model);
  const double floats = static_cast<double>(totals(model.graph).stored);
  if (weights.empty()) {
    need.add_floats("the parameters, seeded", floats);
    return;
  }
  need.add(weights + ", read whole", file_bytes(weights));
  need.add_floats("the parameters, read from it", floats);
}

std::optional<int> obtain_parameters(const std::string& weights_option, int64_t seed, const LoadedModel& model, ParameterSet& out) {
  std::string weights = weights_path(weights_option, model);
  if (weights.empty()) {
    out = init_parameters(model.graph, static_cast<uint64_t>(seed));
    return std::nullopt;
  }
  // An unreadable or malformed file is an I/O error; parameters that do not fit the model are a model error.
  auto file = SafetensorsFile::read(weights);
  if (!file) {
    std::cerr << "nnc: error: " << printable(file.error().message) << "\n";
    return kExitUsage;
  }
  std::vector<std::string> warnings;
  auto loaded = load_parameters(model.graph, *file, warnings);
  for (const std::string& w : warnings) std::cerr << "nnc: warning: " << printable(w) << "\n";
  if (!loaded) {
    std::cerr << "nnc: error: " << printable_lines(loaded.error().message) << "\n";
    return kExitModelError;
  }
  out = std::move(*loaded);
  return std::nullopt;
}

std::optional<int> prepare_model(const RunOptions& options, PreparedModel& out) {
  out.model = load_model(options.file, {.set = options.set});
  print_diagnostics(std::cerr, out.model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (out.model.unreadable()) return kExitUsage;
  if (out.model.diags.has_errors()) return kExitModelError;
  const Graph& graph = out.model.graph;
  set_num_threads(options.threads);
  out.lowered = compile_model(graph, {.threads = num_threads(), .dump_after = options.dump_ir_after, .dump = &std::cerr});
  if (auto status = run_memory(options, out.model, out.lowered).refuse_if_too_large("running this model")) return status;
  if (auto status = obtain_parameters(options.weights, options.seed, out.model, out.params)) return status;

  auto backend = llvm_backend();
  if (!backend) {
    std::cerr << "nnc: error: " << backend.error().message << "\n";
    return kExitUsage;
  }
  out.compiled = (*backend)->compile(out.lowered.module);
  out.compiled->set_parameters(pack_parameters(out.lowered.module.params, out.params));
  out.output = Tensor(out.lowered.module.output_shape);
  return read_input(options, graph, out.input);
}

}  // namespace nnc
