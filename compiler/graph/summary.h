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

std::string format_summary(const Graph& graph, const std::string& path, const PlanFacts* plan = nullptr);

// 1234567 -> "1,234,567".
std::string group_digits(int64_t n);
// 11520 -> "11.2 KiB". A double, so that sizes beyond int64_t (a model too large) can be shown.
std::string format_bytes(double bytes);

}  // namespace nnc
