#pragma once
// The layer table of `nnc summary`, like torchinfo's, with each window op's output-size formula
// worked out with the layer's own numbers, and the model's totals.
#include <string>

#include "graph/graph.h"

namespace nnc {

// What the compiler plans for the graph, shown under the totals.
struct PlanFacts {
  int64_t arena_floats = 0;  // the activation arena, planned from liveness
  size_t kernels = 0;        // steps after fusion
};

// `depth` > 0 shows layers down to that depth of nesting only (torchinfo's depth): a layer named `layer1.0.conv1` is
// at depth 3, and with depth 1 it is part of the row `layer1`, which sums the parameters and MACs of the consecutive
// layers under that name. Block instances name their layers so, which makes each instance (or `repeat:` group) a row.
std::string format_summary(const Graph& graph, const std::string& path, const PlanFacts* plan = nullptr, int depth = 0);

// Models with more layers than this get format_summary_header from `nnc run` instead of the whole table.
constexpr size_t kFullTableLayers = 40;
// Two lines: the model, its size in layers, parameters and MACs, and its input.
std::string format_summary_header(const Graph& graph, const std::string& path);

// 1234567 -> "1,234,567".
std::string group_digits(int64_t n);
// 11520 -> "11.2 KiB". A double, so that sizes beyond int64_t (a model too large) can be shown.
std::string format_bytes(double bytes);

}  // namespace nnc
