#pragma once
// The pieces of the emitted C++ that differ with --weights-file: parameters read at run time from a safetensors
// file (by weights_loader.hpp, pasted into the source) instead of embedded as a constant array.
#include <string>

#include "ir/param_layout.h"

namespace nnc::codegen {

// The file name the emitted header gives as the default for load_weights, and beside which nnc writes it.
std::string weights_file_name(const std::string& model_id);

// The header's declarations of `weights_file` and `load_weights`, with how to use them.
std::string weights_file_declarations(const std::string& model_id);

// Inside the model's unnamed namespace: the table of parameters (key, shape, offset) and the block they load into.
std::string parameter_table(const ParamLayout& layout);

// The definition of load_weights, and the expression forward passes as the parameter block.
std::string load_weights_definition();
std::string loaded_parameters(const std::string& model_id);

// `text` as a C++ string literal: printable ASCII as it is, everything else as octal escapes.
std::string cpp_string_literal(const std::string& text);

// The text of weights_loader.hpp, embedded at build time.
extern const char* const kCppWeightsLoader;

}  // namespace nnc::codegen
