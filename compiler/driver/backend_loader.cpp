#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

#include "driver/backend.h"

namespace nnc {

namespace {

// build/bin/nnc loads build/lib/libnnc_llvm.so.
std::filesystem::path plugin_path() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return exe.parent_path().parent_path() / "lib" / "libnnc_llvm.so";
}

}  // namespace

Result<Backend*> llvm_backend() {
  static Backend* backend = nullptr;
  static std::string failure;
  if (backend) return backend;
  if (!failure.empty()) return Error{failure};
  std::string path = plugin_path().string();
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
