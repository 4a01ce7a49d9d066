#pragma once
// The one compile pipeline: a checked Graph lowered to Loop IR, then the IR passes, in the order listed once in
// compile_model.cpp. `run`, `bench`, `emit` and the tests all compile through it; the backends take its module.
#include <ostream>
#include <string>
#include <vector>

#include "graph/graph.h"
#include "lower/lower.h"

namespace nnc {

struct CompileOptions {
  int threads = 1;               // loops are marked parallel only when more than one thread will run them
  std::string dump_after;        // print the Loop IR after this pass, or after every pass for "all"; empty: never
  std::ostream* dump = nullptr;  // where the dumps go
};

struct PassInfo {
  std::string name;
  std::string what;  // one line, for --help
};

// Every pass, in the order compile_model runs them.
const std::vector<PassInfo>& compile_passes();

// The graph must have passed shape inference without errors.
LoweredModel compile_model(const Graph& graph, const CompileOptions& options);

}  // namespace nnc
