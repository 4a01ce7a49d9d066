#pragma once
// The YAML reader's own errors (syntax, nesting, binary files), said the way a model's author
// thinks of them and placed where the fix goes: an unclosed `[` is reported at the `[`, not
// where yaml-cpp gave up looking for its `]`.
#include <yaml-cpp/exceptions.h>

#include "frontend/diagnostics.h"
#include "frontend/source_file.h"

namespace nnc {

// Reports a text that is no YAML at all (a NUL byte); false if it did.
bool check_is_text(const SourceFile& file, DiagnosticEngine& diags);

// Reports an exception of YAML::Load, DeepRecursion included.
void report_yaml_error(const SourceFile& file, const YAML::Exception& error, DiagnosticEngine& diags);

}  // namespace nnc
