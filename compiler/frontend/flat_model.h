#pragma once
// `nnc expand`: a model read with its blocks, written back flat: every block instance's layers written out
// under their full names, every argument substituted. `nnc check` reads it as the same model.
#include <string>

#include "graph/graph.h"

namespace nnc {

// `graph` must have been read with ReadOptions::keep_written and without errors.
std::string flat_model_text(const Graph& graph);

}  // namespace nnc
