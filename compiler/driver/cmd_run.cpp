// `nnc run MODEL`: check, JIT-compile, run once, print the result; --verify checks it against
// the reference kernels.
#include <fmt/format.h>

#include <chrono>
#include <iostream>

#include "driver/compiled_run.h"
#include "graph/summary.h"
#include "nnc/npy.h"
#include "ops/registry.h"
#include "reference/compare.h"
#include "reference/execute.h"
#include "support/internal_error.h"
#include "support/printable.h"

namespace nnc {

namespace {

constexpr float kVerifyNudge = 1.0f / (1 << 20);  // eight steps of a float's 23-bit mantissa

std::string first_values(const Tensor& t, int64_t count) {
  std::string text;
  for (int64_t i = 0; i < std::min(count, t.numel()); ++i) text += fmt::format("{}{:.6g}", i ? ", " : "", t.data()[i]);
  if (t.numel() > count) text += ", ...";
  return text;
}

}  // namespace

int run_run(const RunOptions& options) {
  PreparedModel prepared;
  if (auto status = prepare_model(options, prepared)) return *status;
  const Graph& graph = prepared.model.graph;
  const Tensor& input = prepared.input;
  Tensor& output = prepared.output;
  auto start = std::chrono::steady_clock::now();
  prepared.compiled->run(input.data(), output.data());
  double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();

  PlanFacts facts{prepared.lowered.memory.arena, prepared.lowered.steps.size()};
  if (graph.layers.size() > kFullTableLayers)
    std::cout << format_summary_header(graph, prepared.model.path) << fmt::format("(the layer table: nnc summary {} --depth 1)\n\n", printable(prepared.model.path));
  else
    std::cout << format_summary(graph, prepared.model.path, &facts) << "\n";
  std::cout << fmt::format("output '{}' {}: {}\n", printable(graph.layers[graph.output].name), to_string(output.shape()),
                           first_values(output, 8));
  std::cout << fmt::format("compiled in {:.1f} ms, ran in {:.3f} ms ({} thread{}{})\n", prepared.compiled->compile_ms(), run_ms,
                           options.threads, options.threads == 1 ? "" : "s", prepared.compiled->from_cache() ? "; machine code from the cache" : "");

  if (options.verify) {
    ReferenceResult reference = run_reference(graph, prepared.params, input, reference_of);
    Comparison c = compare(output, reference.output, 1e-4, 1e-5);
    const bool within_tolerance = c.mismatches == 0;
    if (!within_tolerance) {
      // A model can amplify float rounding past any fixed tolerance (a normalization over a nearly constant plane):
      // rerun the reference with every layer's output nudged by about eight float steps, and allow what that moved.
      reference.layers.clear();  // the nudged run needs as much memory again
      ReferenceResult nudged = run_reference(graph, prepared.params, input, reference_of, kVerifyNudge);
      c = compare(output, reference.output, 1e-4, 1e-5, &nudged.output);
    }
    if (c.mismatches)
      internal_error(fmt::format("verify: {} of {} values differ from the reference kernels beyond rtol 1e-4, atol 1e-5 "
                                 "and what float rounding explains (largest difference {:.3g} at index {}: {} vs {})",
                                 c.mismatches, output.numel(), c.max_abs, c.worst, output.data()[c.worst], reference.output.data()[c.worst]));
    std::cout << fmt::format("verify: matches the reference kernels (largest difference {:.3g}{})\n", c.max_abs,
                             within_tolerance ? "" : ", within what this model's amplified float rounding explains");
  }

  if (!options.output.empty()) {
    if (auto written = write_npy(options.output, output); !written) {
      std::cerr << "nnc: error: " << printable(written.error().message) << "\n";
      return kExitUsage;
    }
  }
  return kExitOk;
}

}  // namespace nnc
