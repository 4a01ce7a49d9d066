#pragma once
// Where nnc's own files are: beside its executable's real path, so that an installed prefix can be moved.
#include <filesystem>

#include "nnc/result.h"

namespace nnc {

// The directory of nnc's executable (/proc/self/exe); an error when that is unknown. A relative path would make
// dlopen look in the current directory, which may hold anyone's library.
Result<std::filesystem::path> executable_directory();

}  // namespace nnc
