#include "driver/backend_loader.h"

#include <fmt/format.h>

#include "driver/plugin_loader.h"

namespace nnc {

Result<Backend*> llvm_backend() {
  static Backend* backend = nullptr;
  static std::string failure;
  if (backend) return backend;
  if (!failure.empty()) return Error{failure};
  auto create = plugin_symbol("libnnc_llvm.so", kCreateBackendSymbol);
  if (!create) {
    failure = fmt::format("cannot load nnc's LLVM backend: {}", create.error().message);
    return Error{failure};
  }
  backend = reinterpret_cast<CreateBackend*>(*create)();
  return backend;
}

}  // namespace nnc
