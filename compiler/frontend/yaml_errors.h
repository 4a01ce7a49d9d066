#pragma once
// The YAML reader's own errors (syntax, nesting, binary files), said the way a model's author
// thinks of them and placed where the fix goes: an unclosed `[` is reported at the `[`, not
// where yaml-cpp gave up looking for its `]`.
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/node/node.h>

#include <optional>
#include <vector>

#include "frontend/source_file.h"
#include "support/diagnostics.h"

namespace nnc {

// Reports a text that is no YAML at all (a NUL byte); false if it did.
bool check_is_text(const SourceFile& file, DiagnosticEngine& diags);

// Reports what yaml-cpp reads without complaint but a model file must not hold: a quoted string still open at
// the end of the file (read as running to the end), or a second YAML document (which YAML::Load would drop). false
// if it did. `second` is where the parser saw a second document start, if it did.
bool check_documents(const SourceFile& file, const std::optional<YAML::Mark>& second, DiagnosticEngine& diags);

// Where a second document starts in `text`, if it has one. yaml-cpp's LoadAll can loop forever on malformed
// text, so the parser is asked for two documents at most. Throws what the parser throws.
std::optional<YAML::Mark> second_document_start(const std::string& text);

// Reports an exception of YAML::Load, DeepRecursion included.
void report_yaml_error(const SourceFile& file, const YAML::Exception& error, DiagnosticEngine& diags);

}  // namespace nnc
