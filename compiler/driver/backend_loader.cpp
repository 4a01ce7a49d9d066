#include "driver/backend_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include "driver/executable_path.h"

namespace nnc {

namespace {

// build/bin/nnc loads build/lib/libnnc_llvm.so, and an installed P/bin/nnc P/lib/libnnc_llvm.so.
Result<std::string> plugin_path() {
  auto directory = executable_directory();
  if (!directory) return Error{"cannot load nnc's LLVM backend: " + directory.error().message};
  return (directory->parent_path() / "lib" / "libnnc_llvm.so").string();
}

}  // namespace

Result<Backend*> llvm_backend() {
  static Backend* backend = nullptr;
  static std::string failure;
  if (backend) return backend;
  if (!failure.empty()) return Error{failure};
  auto located = plugin_path();
  if (!located) {
    failure = located.error().message;
    return Error{failure};
  }
  const std::string& path = *located;
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    failure = fmt::format("cannot load nnc's LLVM backend: {}", dlerror());
    return Error{failure};
  }
  auto* create = reinterpret_cast<CreateBackend*>(dlsym(handle, kCreateBackendSymbol));
  if (!create) {
    failure = fmt::format("{} has no {}: {}", path, kCreateBackendSymbol, dlerror());
    return Error{failure};
  }
  backend = create();
  return backend;
}

}  // namespace nnc
