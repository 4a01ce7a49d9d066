#include "driver/plugin_loader.h"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

namespace nnc {

// build/bin/nnc loads build/lib/LIBRARY, found from the executable's real path only: a relative path would make
// dlopen look in the current directory, which may hold anyone's library.
Result<void*> plugin_symbol(const std::string& library, const char* symbol) {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || !exe.is_absolute())
    return Error{fmt::format("the nnc executable's own path is unknown (/proc/self/exe: {})", ec ? ec.message() : "not an absolute path")};
  const std::string path = (exe.parent_path().parent_path() / "lib" / library).string();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) return Error{dlerror()};  // names the library's path and the reason
  void* address = dlsym(handle, symbol);
  if (!address) return Error{fmt::format("{} has no {}: {}", path, symbol, dlerror())};
  return address;
}

}  // namespace nnc
