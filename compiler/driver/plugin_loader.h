#pragma once
// Loads one of nnc's plugins (lib/NAME beside the directory of nnc's executable) and finds its entry symbol.
#include <string>

#include "nnc/result.h"

namespace nnc {

// The address of `symbol` in the plugin `library` (e.g. "libnnc_llvm.so"); errors name the plugin's path.
Result<void*> plugin_symbol(const std::string& library, const char* symbol);

}  // namespace nnc
