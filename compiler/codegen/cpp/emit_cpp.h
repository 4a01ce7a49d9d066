#pragma once
// The standalone C++ backend: a lowered model as a header and a source file that compile with any
// C++17 compiler and link with nothing but the standard library (model-format.md section 4).
#include <string>

#include "codegen/cpp/model_header.h"
#include "ir/ir.h"

namespace nnc::codegen {

struct CppSources {
  std::string name;  // the namespace and file stem: model_identifier() of the model's name
  std::string header, source;
};

// Where the emitted code finds its parameters.
enum class ParameterStorage {
  Embedded,     // a constant array in the source
  WeightsFile,  // read at run time by load_weights (weights_file.h)
};

// `parameters` holds module.params.total floats, laid out as module.params says (unused with WeightsFile).
CppSources emit_cpp(const ir::Module& module, const float* parameters, const ModelOrigin& origin,
                    ParameterStorage storage = ParameterStorage::Embedded);

// The text of prologue.hpp, embedded at build time.
extern const char* const kCppPrologue;

}  // namespace nnc::codegen
