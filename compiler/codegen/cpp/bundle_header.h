#pragma once
// NAME.hpp of the `--emit obj` bundle: the `--emit cpp` header's API, with forward defined inline over the C-linkage
// entry point of the bundle's object file, so that a program links NAME.o with nothing from nnc.
#include <string>

#include "codegen/cpp/model_header.h"
#include "ir/ir.h"

namespace nnc::codegen {

// The object file's `void SYMBOL(const float* input, float* output, float* workspace)` for the model in namespace
// `name`: C linkage, so that every C++ compiler finds it under the same name.
std::string bundle_entry_symbol(const std::string& name);

std::string bundle_header(const ir::Module& module, const std::string& name, const ModelOrigin& origin);

}  // namespace nnc::codegen
