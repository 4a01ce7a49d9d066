#pragma once
// YAML -> Graph. Reads the whole model format of model-format.md, keeps every node's position and
// reports every problem it finds as a diagnostic; never throws for bad input.
#include "frontend/source_file.h"
#include "graph/graph.h"
#include "support/diagnostics.h"

namespace nnc {

// Parses `file` into a graph with resolved layer references. Layers that could not be read are
// marked invalid; `default_name` is used when the model has no `name:` (the file's stem).
Graph read_model(const SourceFile& file, const std::string& default_name, DiagnosticEngine& diags);

}  // namespace nnc
