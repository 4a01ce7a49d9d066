#pragma once
// Whole-file reading, and writing that never leaves a half-written file behind.
#include <string>
#include <string_view>
#include <vector>

#include "nnc/result.h"

namespace nnc {

// The bytes of a regular file; errors name the file and the system's reason.
Result<std::string> read_file(const std::string& path);

// Writes the pieces, in order, to a new file beside `path` and renames it over `path`: afterwards `path` is either
// the complete new file or exactly what it was before (on any failure the temporary file is removed).
Status write_file_atomically(const std::string& path, const std::vector<std::string_view>& pieces);

}  // namespace nnc
