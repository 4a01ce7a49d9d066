#pragma once
// YAML -> Graph. Reads the whole model format of model-format.md, keeps every node's position and
// reports every problem it finds as a diagnostic; never throws for bad input.
#include "frontend/source_file.h"
#include "graph/graph.h"
#include "graph/op_schema.h"
#include "support/diagnostics.h"

namespace nnc {

// Parses `file` into a graph with resolved layer references. Layers that could not be read are
// marked invalid; `default_name` is used when the model has no `name:` (the file's stem). `ops`
// are the ops a layer may name, with their attribute schemas.
Graph read_model(const SourceFile& file, const std::string& default_name, OpSchemas ops, DiagnosticEngine& diags);

}  // namespace nnc
