#pragma once
// The standalone C++ backend: a lowered model as a header and a source file that compile with any
// C++17 compiler and link with nothing but the standard library (model-format.md section 4).
#include <string>

#include "lower/lower.h"

namespace nnc::codegen {

struct CppSources {
  std::string name;  // the namespace and file stem
  std::string header, source;
};

struct CppEmitOptions {
  std::string model_name;  // as the model spells it
  std::string model_file;  // its file name, without directories, so that the output is the same in any checkout
  std::string nnc_version;
  bool weights_file = false;  // the parameters are read at run time by load_weights (weights_file.h), not embedded
};

// `parameters` holds lowered.params.total floats, laid out as lowered.params says (unused with weights_file).
CppSources emit_cpp(const LoweredModel& lowered, const float* parameters, const CppEmitOptions& options);

// `name` as a C++ identifier: other characters become '_', and one that would start with a digit gets a prefix.
std::string cpp_identifier(const std::string& name);

// The text of prologue.hpp, embedded at build time.
extern const char* const kCppPrologue;

}  // namespace nnc::codegen
