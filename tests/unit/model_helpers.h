#pragma once
// Helpers for tests that check a model given as YAML text.
#include <algorithm>
#include <string>
#include <vector>

#include "pipeline/model_loader.h"

namespace nnc::testing {

inline LoadedModel check_yaml(const std::string& text) { return load_model_text("test.yaml", text); }

// The codes of every diagnostic, in file order.
inline std::vector<std::string> codes(const LoadedModel& m) {
  std::vector<std::string> out;
  for (const Diagnostic& d : m.diags.sorted()) out.push_back(d.code);
  return out;
}

inline bool has_code(const LoadedModel& m, const std::string& code) {
  auto all = codes(m);
  return std::find(all.begin(), all.end(), code) != all.end();
}

inline const Diagnostic* find_code(const LoadedModel& m, const std::string& code) {
  for (const Diagnostic& d : m.diags.all())
    if (d.code == code) return &d;
  return nullptr;
}

// The output shape, or {} when it could not be inferred.
inline Shape output_shape(const LoadedModel& m) {
  if (m.graph.output < 0 || !m.graph.layers[m.graph.output].shape) return {};
  return *m.graph.layers[m.graph.output].shape;
}

// A model reading `shape` through the given layers (YAML list items, indented by 2).
inline std::string model(const std::string& shape, const std::string& layers) {
  return "input:\n  shape: " + shape + "\nlayers:\n" + layers;
}

}  // namespace nnc::testing
