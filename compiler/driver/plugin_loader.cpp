#include "driver/plugin_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include "driver/executable_path.h"

namespace nnc {

// build/bin/nnc loads build/lib/LIBRARY, and an installed P/bin/nnc P/lib/LIBRARY.
Result<void*> plugin_symbol(const std::string& library, const char* symbol) {
  auto directory = executable_directory();
  if (!directory) return Error{directory.error().message};
  const std::string path = (directory->parent_path() / "lib" / library).string();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return Error{dlerror()};  // names the library's path and the reason
  void* address = dlsym(handle, symbol);
  if (!address) return Error{fmt::format("{} has no {}: {}", path, symbol, dlerror())};
  return address;
}

}  // namespace nnc
