#pragma once
// How `nnc check` reports a model: text (clang/rustc style, with the source line and a caret),
// one JSON document, or GitHub workflow annotations.
#include <nlohmann/json.hpp>
#include <ostream>

#include "pipeline/model_loader.h"

namespace nnc {

struct TextStyle {
  bool color = false;
};

void print_diagnostics(std::ostream& out, const LoadedModel& model, TextStyle style);
void print_github_annotations(std::ostream& out, const LoadedModel& model);

// `ok` is false on an error, or on a warning when `strict`.
bool model_ok(const LoadedModel& model, bool strict);
nlohmann::ordered_json model_json(const LoadedModel& model, bool strict);

}  // namespace nnc
