#pragma once
// A user's mistake, with where it is in the model file. Diagnostics are collected, never thrown,
// so that one run reports every problem; the same diagnostic at the same place is kept once (a
// node repeated through aliases is one mistake). Codes are declared in diagnostic_codes.h.
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "support/diagnostic_codes.h"

namespace nnc {

// 1-based position of a YAML node; line 0 means "the whole file". `length` is how many columns
// the caret line underlines (0: up to the end of the token on that line).
struct SourceLoc {
  int line = 0;
  int column = 0;
  int length = 0;
};

// A line shown after a diagnostic, saying how the model got there (e.g. "in instance layer2.0");
// line 0: it has no position of its own.
struct DiagnosticNote {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;  // from kDiagCodes, e.g. "in-features-mismatch"
  SourceLoc loc;
  std::string message;
  std::string help;  // empty when no fix can be suggested
  std::vector<DiagnosticNote> notes;
};

class DiagnosticEngine {
 public:
  void error(ErrorCode code, SourceLoc loc, std::string message, std::string help = "",
             std::vector<DiagnosticNote> notes = {});
  void warning(WarningCode code, SourceLoc loc, std::string message, std::string help = "",
               std::vector<DiagnosticNote> notes = {});

  // While one is alive, every diagnostic reported without notes of its own gets `notes`: the block instances
  // that the layer being read came through.
  class NoteScope {
   public:
    NoteScope(DiagnosticEngine& engine, const std::vector<DiagnosticNote>& notes) : engine_(engine), saved_(engine.context_) {
      engine.context_ = &notes;
    }
    ~NoteScope() { engine_.context_ = saved_; }
    NoteScope(const NoteScope&) = delete;
    NoteScope& operator=(const NoteScope&) = delete;

   private:
    DiagnosticEngine& engine_;
    const std::vector<DiagnosticNote>* saved_;
  };

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  int warning_count() const { return static_cast<int>(diagnostics_.size()) - errors_; }

  // In file order (stable for diagnostics at one position).
  std::vector<Diagnostic> sorted() const;
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

 private:
  void add(Diagnostic d);

  std::vector<Diagnostic> diagnostics_;
  std::unordered_set<std::string> seen_;  // position, code and message of each diagnostic
  // Per position and code of diagnostics inside block instances: how many there were, and where the last one shown is.
  std::unordered_map<std::string, std::pair<size_t, size_t>> repeated_;
  int errors_ = 0;
  const std::vector<DiagnosticNote>* context_ = nullptr;
};

const char* severity_name(Severity s);

}  // namespace nnc
