#include "driver/executable_path.h"

#include <fmt/format.h>

namespace nnc {

Result<std::filesystem::path> executable_directory() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || !exe.is_absolute())
    return Error{fmt::format("the nnc executable's own path is unknown (/proc/self/exe: {})", ec ? ec.message() : "not an absolute path")};
  return exe.parent_path();
}

}  // namespace nnc
