#pragma once
// YAML -> Graph. Reads the whole model format of model-format.md, keeps every node's position and
// reports every problem it finds as a diagnostic; never throws for bad input.
#include "frontend/source_file.h"
#include "graph/graph.h"
#include "graph/op_schema.h"
#include "support/diagnostics.h"

namespace nnc {

struct ReadOptions {
  std::vector<std::pair<std::string, std::string>> set;  // `--set NAME=VALUE` for the model's `args`, in order
  bool keep_written = false;                             // fill Layer::written (for `nnc expand`)
};

// Parses `file` into a graph with resolved layer references. Layers that could not be read are
// marked invalid; block instances are expanded into their layers. `default_name` is used when the model has no `name:` (the file's stem). `ops`
// are the ops a layer may name, with their attribute schemas.
Graph read_model(const SourceFile& file, const std::string& default_name, OpSchemas ops, DiagnosticEngine& diags,
                 const ReadOptions& options = {});

}  // namespace nnc
