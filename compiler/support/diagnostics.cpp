#include "support/diagnostics.h"

#include <algorithm>

namespace nnc {

void DiagnosticEngine::error(ErrorCode code, SourceLoc loc, std::string message, std::string help,
                             std::vector<DiagnosticNote> notes) {
  add({Severity::Error, std::string(code.name()), loc, std::move(message), std::move(help), std::move(notes)});
}

void DiagnosticEngine::warning(WarningCode code, SourceLoc loc, std::string message, std::string help,
                               std::vector<DiagnosticNote> notes) {
  add({Severity::Warning, std::string(code.name()), loc, std::move(message), std::move(help), std::move(notes)});
}

void DiagnosticEngine::add(Diagnostic d) {
  if (d.notes.empty() && context_) d.notes = *context_;
  // The notes count: one mistake reached through two paths (two block instances) is reported for each.
  std::string key = std::to_string(d.loc.line) + ':' + std::to_string(d.loc.column) + ' ' + d.code + ' ' + d.message;
  for (const DiagnosticNote& note : d.notes)
    key += '\n' + std::to_string(note.loc.line) + ':' + std::to_string(note.loc.column) + ' ' + note.message;
  if (!seen_.insert(std::move(key)).second) return;
  if (!d.notes.empty()) {
    // A mistake written once in a block is made by every instance of it: the first few are shown, and the last of
    // those says how many more there are.
    constexpr size_t kShownPerPlace = 3;
    auto& [count, shown_last] = repeated_[std::to_string(d.loc.line) + ':' + std::to_string(d.loc.column) + ' ' + d.code];
    if (++count > kShownPerPlace) {
      const size_t hidden = count - kShownPerPlace;
      DiagnosticNote note{{}, "the same mistake is made in " + std::to_string(hidden) + " more instance" + (hidden == 1 ? "" : "s") + ", not shown"};
      std::vector<DiagnosticNote>& notes = diagnostics_[shown_last].notes;
      if (hidden == 1) notes.push_back(std::move(note));
      else notes.back() = std::move(note);
      return;
    }
    shown_last = diagnostics_.size();
  }
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
