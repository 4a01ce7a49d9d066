#pragma once
// A model file taken as far as the typed Graph: read, parsed, shape-checked. What `check`,
// `summary` and (later) the compilers start from.
#include <optional>
#include <string>

#include "frontend/model_reader.h"
#include "frontend/source_file.h"
#include "graph/graph.h"
#include "support/diagnostics.h"

namespace nnc {

struct LoadedModel {
  std::string path;
  std::optional<SourceFile> source;  // absent when the file could not be read
  Graph graph;
  DiagnosticEngine diags;

  bool unreadable() const { return !source; }
};

LoadedModel load_model(const std::string& path, const ReadOptions& options = {});
// The same from text already in memory (tests, stdin).
LoadedModel load_model_text(const std::string& path, std::string text, const ReadOptions& options = {});

}  // namespace nnc
