#pragma once
// Runs every layer's shape rule in order. A layer whose inputs have no shape (because an earlier
// layer failed) is skipped quietly, so one mistake is reported once.
#include "graph/graph.h"
#include "support/diagnostics.h"

namespace nnc {

void infer_shapes(Graph& graph, DiagnosticEngine& diags);

}  // namespace nnc
