#include "frontend/diagnostics.h"

#include <algorithm>

namespace nnc {

void DiagnosticEngine::error(std::string code, SourceLoc loc, std::string message, std::string help) {
  diagnostics_.push_back({Severity::Error, std::move(code), loc, std::move(message), std::move(help)});
  ++errors_;
}

void DiagnosticEngine::warning(std::string code, SourceLoc loc, std::string message, std::string help) {
  diagnostics_.push_back({Severity::Warning, std::move(code), loc, std::move(message), std::move(help)});
}

std::vector<Diagnostic> DiagnosticEngine::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.loc.line != b.loc.line) return a.loc.line < b.loc.line;
    return a.loc.column < b.loc.column;
  });
  return out;
}

const char* severity_name(Severity s) { return s == Severity::Error ? "error" : "warning"; }

}  // namespace nnc
