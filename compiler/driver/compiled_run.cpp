#include "driver/compiled_run.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "driver/report.h"
#include "nnc/npy.h"
#include "nnc/parallel.h"
#include "support/printable.h"

namespace nnc {

namespace {

// `weights:` in the model is relative to the model file; --weights is as given.
std::string weights_path(const std::string& weights, const LoadedModel& model) {
  if (!weights.empty()) return weights;
  if (model.graph.weights.empty()) return "";
  return (std::filesystem::path(model.path).parent_path() / model.graph.weights).string();
}

// Refuses, with the numbers, a model whose tensors cannot fit in this machine's memory.
std::optional<int> check_memory(const LoweredModel& lowered) {
  double floats = static_cast<double>(lowered.memory.arena) + static_cast<double>(lowered.params.total) +
                  static_cast<double>(*element_count(lowered.input_shape)) + static_cast<double>(*element_count(lowered.output_shape));
  double needed = floats * sizeof(float);
  double available = static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  if (needed <= available) return std::nullopt;
  std::cerr << fmt::format("nnc: error: running this model needs {:.1f} GiB for its tensors (activations {:.1f} GiB, parameters "
                           "{:.1f} GiB), more than this machine's {:.1f} GiB\n",
                           needed / (1 << 30), lowered.memory.arena * 4.0 / (1 << 30), lowered.params.total * 4.0 / (1 << 30),
                           available / (1 << 30));
  return kExitModelError;
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
    std::cerr << "nnc: error: " << printable(loaded.error().message) << "\n";
    return kExitModelError;
  }
  out = std::move(*loaded);
  return std::nullopt;
}

std::optional<int> prepare_model(const RunOptions& options, PreparedModel& out) {
  out.model = load_model(options.file);
  print_diagnostics(std::cerr, out.model, TextStyle{use_color(options.color, STDERR_FILENO)});
  if (out.model.unreadable()) return kExitUsage;
  if (out.model.diags.has_errors()) return kExitModelError;
  const Graph& graph = out.model.graph;
  if (auto status = obtain_parameters(options.weights, options.seed, out.model, out.params)) return status;

  set_num_threads(options.threads);
  out.lowered = lower_graph(graph, LowerOptions{.threads = num_threads()});
  if (auto status = check_memory(out.lowered)) return status;
  auto backend = llvm_backend();
  if (!backend) {
    std::cerr << "nnc: error: " << backend.error().message << "\n";
    return kExitUsage;
  }
  out.compiled = (*backend)->compile(out.lowered);
  out.compiled->set_parameters(pack_parameters(out.lowered.params, out.params));
  out.output = Tensor(out.lowered.output_shape);
  return read_input(options, graph, out.input);
}

}  // namespace nnc
