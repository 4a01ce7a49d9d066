// `nnc bench MODEL`: time the compiled model, whole and layer by layer, and report GFLOP/s.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "driver/compiled_run.h"
#include "graph/summary.h"
#include "support/printable.h"

namespace nnc {

namespace {

using Clock = std::chrono::steady_clock;

double elapsed_ms(Clock::time_point since) { return std::chrono::duration<double, std::milli>(Clock::now() - since).count(); }

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

// 2 FLOPs per multiply-add, in GFLOP/s for a time in milliseconds.
double gflops(int64_t macs, double ms) { return ms > 0 ? 2.0 * static_cast<double>(macs) / (ms * 1e6) : 0; }

}  // namespace

int run_bench(const RunOptions& options) {
  PreparedModel prepared;
  if (auto status = prepare_model(options, prepared)) return *status;
  const Graph& graph = prepared.model.graph;
  const Tensor& input = prepared.input;
  Tensor& output = prepared.output;
  Executable& model = *prepared.compiled;

  // Warm up, then unless --runs says, pick a run count (10 to 10000) that takes about a second.
  auto warm = Clock::now();
  for (int i = 0; i < 3; ++i) model.run(input.data(), output.data());
  double estimate = elapsed_ms(warm) / 3;
  int runs = options.runs > 0 ? options.runs : static_cast<int>(std::clamp(1000.0 / std::max(estimate, 1e-3), 10.0, 10000.0));

  std::vector<double> whole;
  for (int r = 0; r < runs; ++r) {
    auto start = Clock::now();
    model.run(input.data(), output.data());
    whole.push_back(elapsed_ms(start));
  }
  std::vector<std::vector<double>> steps(model.step_count());
  for (int r = 0; r < runs; ++r) {
    for (size_t s = 0; s < model.step_count(); ++s) {
      auto start = Clock::now();
      model.run_step(s, input.data(), output.data());
      steps[s].push_back(elapsed_ms(start));
    }
  }

  int64_t macs = totals(graph).macs;
  double median_ms = median(whole), min_ms = *std::min_element(whole.begin(), whole.end());
  // One entry per kernel: a layer, with the layers fused into it named in "fused".
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (size_t s = 0; s < prepared.lowered.steps.size(); ++s) {
    const Step& step = prepared.lowered.steps[s];
    const Layer& layer = graph.layers[step.producer];
    double ms = median(steps[s]);
    int64_t step_macs = 0;
    nlohmann::ordered_json fused = nlohmann::ordered_json::array();
    for (int l : step.layers()) step_macs = checked::saturating_add(step_macs, graph.layers[l].macs);
    for (int l : step.epilogues) fused.push_back(graph.layers[l].name);
    nlohmann::ordered_json entry = {{"name", layer.name}, {"op", layer.op}, {"median_ms", ms}, {"gflops", gflops(step_macs, ms)}};
    if (!fused.empty()) entry["fused"] = fused;
    layers.push_back(entry);
  }
  nlohmann::ordered_json doc = {{"model", graph.name},       {"threads", options.threads},  {"runs", runs},
                                {"compile_ms", model.compile_ms()}, {"compile_cached", model.from_cache()}, {"min_ms", min_ms}, {"median_ms", median_ms},
                                {"gflops", gflops(macs, median_ms)}, {"layers", layers}};
  if (options.json) {
    // As `nnc check --format json`: names escaped to ASCII, bytes that are not UTF-8 replaced.
    std::cout << doc.dump(-1, ' ', true, nlohmann::ordered_json::error_handler_t::replace) << "\n";
    return kExitOk;
  }
  std::cout << fmt::format("model '{}': {} runs on {} thread{}, compiled in {:.1f} ms{}\n", printable(graph.name), runs, options.threads,
                           options.threads == 1 ? "" : "s", model.compile_ms(), model.from_cache() ? " (machine code from the cache)" : "");
  std::cout << fmt::format("whole model: median {:.4f} ms, min {:.4f} ms, {:.2f} GFLOP/s\n\n", median_ms, min_ms, gflops(macs, median_ms));
  // A big model's table would bury the whole-model line: its slowest kernels stand for it.
  constexpr size_t kShownKernels = 20;
  std::vector<nlohmann::ordered_json> shown(layers.begin(), layers.end());
  const bool big = shown.size() > kFullTableLayers;
  if (big) {
    std::stable_sort(shown.begin(), shown.end(), [](const auto& a, const auto& b) { return a["median_ms"].template get<double>() > b["median_ms"].template get<double>(); });
    shown.resize(kShownKernels);
    std::cout << fmt::format("the {} slowest of {} kernels:\n", kShownKernels, layers.size());
  }
  std::cout << fmt::format("  {:<24} {:<20} {:>12} {:>9}\n", "layer", "op", "median ms", "GFLOP/s");
  for (const auto& l : shown) {
    std::string fused;
    if (l.contains("fused")) fused = " + " + fmt::format("{}", fmt::join(l["fused"].get<std::vector<std::string>>(), " + "));
    std::cout << fmt::format("  {:<24} {:<20} {:>12.4f} {:>9.2f}{}\n", printable(l["name"].get<std::string>()),
                             printable(l["op"].get<std::string>()), l["median_ms"].get<double>(), l["gflops"].get<double>(),
                             printable(fused));
  }
  if (big) std::cout << fmt::format("  ... {} more (--format json lists every kernel)\n", layers.size() - kShownKernels);
  return kExitOk;
}

}  // namespace nnc
