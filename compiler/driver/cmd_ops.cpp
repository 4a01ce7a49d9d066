// `nnc ops [--format text|markdown]`: every op with its attributes, types and defaults, straight
// from the schemas the front end checks models against (docs/model-format.md embeds the markdown).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cctype>
#include <iostream>

#include "driver/commands.h"
#include "ops/registry.h"

namespace nnc {

namespace {

std::string type_name(const AttrSpec& spec) {
  switch (spec.type) {
    case AttrType::Int: return "int";
    case AttrType::Size2: return "int or [h, w]";
    case AttrType::Padding: return "int, [h, w], valid or same";
    case AttrType::OutputSize: return "int or [h, w] (null keeps that extent)";
    case AttrType::Bool: return "bool";
    case AttrType::Float: return "float";
    case AttrType::Choice: return fmt::format("one of {}", fmt::join(spec.choices, ", "));
  }
  return "";
}

std::string default_text(const AttrSpec& spec) {
  if (spec.required) return "required";
  if (!spec.same_as.empty()) return "= " + spec.same_as;
  if (!spec.has_default) return "inferred; checked when given";
  AttrValue v = default_value(spec, Attrs());
  return format_value(v);
}

std::string inputs_text(const OpSchema& op) {
  if (!op.variadic) return "input";
  return op.min_inputs > 1 ? fmt::format("inputs ({}+)", op.min_inputs) : "inputs";
}

}  // namespace

int run_ops(const OpsOptions& options) {
  for (const OpDef* def : op_registry().ops()) {
    const OpSchema& op = def->schema;
    const std::vector<AttrSpec>& attrs = op.attrs.specs;
    if (options.markdown) {
      std::string summary = op.summary;
      summary[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(summary[0])));
      std::cout << fmt::format("### {}\n\n{}. Reads `{}`.{}\n\n", op.name, summary, inputs_text(op),
                               def->lowering.epilogue ? " Can be fused into the layer before it." : "");
      if (attrs.empty()) {
        std::cout << "No attributes.\n\n";
        continue;
      }
      std::cout << "| attribute | type | default |\n|---|---|---|\n";
      for (const AttrSpec& a : attrs) std::cout << fmt::format("| `{}` | {} | {} |\n", a.name, type_name(a), default_text(a));
      std::cout << "\n";
    } else {
      std::cout << fmt::format("{}: {} (reads {})\n", op.name, op.summary, inputs_text(op));
      for (const AttrSpec& a : attrs) std::cout << fmt::format("  {:<18} {:<38} {}\n", a.name, type_name(a), default_text(a));
    }
  }
  return kExitOk;
}

}  // namespace nnc
