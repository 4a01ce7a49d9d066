#include "driver/backend_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

namespace nnc {

namespace {

// build/bin/nnc loads build/lib/libnnc_llvm.so, found from the executable's real path only: a relative path would
// make dlopen look in the current directory, which may hold anyone's library.
Result<std::string> plugin_path() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || !exe.is_absolute())
    return Error{fmt::format("cannot load nnc's LLVM backend: the nnc executable's own path is unknown (/proc/self/exe: {})",
                             ec ? ec.message() : "not an absolute path")};
  return (exe.parent_path().parent_path() / "lib" / "libnnc_llvm.so").string();
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
