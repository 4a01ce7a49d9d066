#pragma once
// Where `expand` and `graph` put their text: standard output, or a file written whole or not at all.
#include <string>

namespace nnc {

// Writes `text` to standard output when `output` is empty or "-", else to that file; returns the exit status.
int write_text_output(const std::string& output, const std::string& text);

}  // namespace nnc
