#include "support/diagnostics.h"

#include <algorithm>

namespace nnc {

void DiagnosticEngine::error(std::string code, SourceLoc loc, std::string message, std::string help) {
  add({Severity::Error, std::move(code), loc, std::move(message), std::move(help)});
}

void DiagnosticEngine::warning(std::string code, SourceLoc loc, std::string message, std::string help) {
  add({Severity::Warning, std::move(code), loc, std::move(message), std::move(help)});
}

void DiagnosticEngine::add(Diagnostic d) {
  std::string key = std::to_string(d.loc.line) + ':' + std::to_string(d.loc.column) + ' ' + d.code + ' ' + d.message;
  if (!seen_.insert(std::move(key)).second) return;
  errors_ += d.severity == Severity::Error;
  diagnostics_.push_back(std::move(d));
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
