// `nnc ops [--format text|markdown|json]`: every op with its attributes, types and defaults, straight
// from the schemas the front end checks models against (docs/model-format.md embeds the markdown);
// json adds the parameters and the PyTorch twin that the Python tests build their models from.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <nlohmann/json.hpp>

#include "driver/commands.h"
#include "ops/registry.h"
#include "support/internal_error.h"

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
    case AttrType::IntList: return "int or list of ints";
    case AttrType::Scale2: return "float or [h, w]";
  }
  return "";
}

std::string default_text(const AttrSpec& spec) {
  if (spec.required) return "required";
  if (!spec.same_as.empty()) return "= " + spec.same_as;
  if (spec.null_default) return "null";
  if (spec.optional) return "none";
  if (!spec.has_default) return "inferred; checked when given";
  AttrValue v = default_value(spec, Attrs());
  return format_value(v);
}

const char* form_word(InputForm form) {
  switch (form) {
    case InputForm::One: return "one";
    case InputForm::List: return "list";
    case InputForm::OneOrList: return "one_or_list";
    case InputForm::None: return "none";
  }
  return "";
}

std::string inputs_text(const OpSchema& op) {
  if (op.inputs == InputForm::None) return "nothing";
  if (op.inputs == InputForm::One) return "input";
  if (op.inputs == InputForm::OneOrList) return fmt::format("input or inputs ({})", op.min_inputs);
  if (op.max_inputs == op.min_inputs) return fmt::format("inputs ({})", op.min_inputs);
  return op.min_inputs > 1 ? fmt::format("inputs ({}+)", op.min_inputs) : "inputs";
}

using json = nlohmann::ordered_json;

std::string type_word(AttrType type) {
  switch (type) {
    case AttrType::Int: return "int";
    case AttrType::Size2: return "size2";
    case AttrType::Padding: return "padding";
    case AttrType::OutputSize: return "output_size";
    case AttrType::Bool: return "bool";
    case AttrType::Float: return "float";
    case AttrType::Choice: return "choice";
    case AttrType::IntList: return "int_list";
    case AttrType::Scale2: return "scale2";
  }
  return "";
}

// A value as a model file writes it: 5, [5, 3], "same", true, 0.5.
json value_json(const AttrValue& v) {
  switch (v.type) {
    case AttrType::Int: return v.ints[0];
    case AttrType::Bool: return v.flag;
    case AttrType::Float: return v.number;
    case AttrType::Choice: return v.word;
    case AttrType::Padding:
      if (!v.word.empty()) return v.word;
      [[fallthrough]];
    case AttrType::Size2:
    case AttrType::OutputSize:
      if (v.ints[0] == v.ints[1]) return v.ints[0];
      return json::array({v.ints[0], v.ints[1]});
    case AttrType::IntList:
      if (v.list.size() == 1) return v.list[0];
      return v.list;
    case AttrType::Scale2:
      if (v.numbers[0] == v.numbers[1]) return v.numbers[0];
      return json::array({v.numbers[0], v.numbers[1]});
  }
  return nullptr;
}

// Exactly one of required, default, same_as (the default is that attribute's value) or inferred.
json attribute_json(const AttrSpec& spec) {
  json a = {{"name", spec.name}, {"type", type_word(spec.type)}};
  if (spec.required) a["required"] = true;
  else if (!spec.same_as.empty()) a["same_as"] = spec.same_as;
  else if (spec.has_default) a["default"] = value_json(default_value(spec, Attrs()));
  else if (spec.null_default) a["default"] = nullptr;
  else if (spec.optional) a["optional"] = true;
  else a["inferred"] = true;
  if (spec.min_int) a["min"] = *spec.min_int;
  if (!spec.choices.empty()) a["choices"] = spec.choices;
  return a;
}

json param_json(const ParamDecl& param) {
  json p = {{"name", param.name}, {"shape", param.shape}};
  if (!param.only_if.empty()) p["only_if"] = param.only_if;
  return p;
}

const char* inputs_word(TorchInputs inputs) {
  switch (inputs) {
    case TorchInputs::One: return "one";
    case TorchInputs::Fold: return "fold";
    case TorchInputs::List: return "list";
    case TorchInputs::None: return "none";
    case TorchInputs::Attention: return "attention";
  }
  return "";
}

const char* when_left_out_word(WhenLeftOut when) {
  switch (when) {
    case WhenLeftOut::TorchDefault: return "torch_default";
    case WhenLeftOut::NncDefault: return "nnc_default";
    case WhenLeftOut::InputDim: return "input_dim";
  }
  return "";
}

// Every attribute's way into the call, the unlisted ones included (their own name, PyTorch's default).
json torch_json(const OpDef& def) {
  const TorchTwin& twin = def.torch;
  const std::vector<AttrSpec>& specs = def.schema.attrs.specs;
  for (const TorchArg& declared : twin.args)
    if (std::none_of(specs.begin(), specs.end(), [&](const AttrSpec& spec) { return spec.name == declared.attr; }))
      internal_error(fmt::format("{}'s PyTorch twin maps no attribute '{}'", def.schema.name, declared.attr));
  json args = json::array();
  for (const AttrSpec& spec : specs) {
    TorchArg arg{.attr = spec.name};
    for (const TorchArg& declared : twin.args)
      if (declared.attr == spec.name) arg = declared;
    json a = {{"attr", arg.attr}};
    if (arg.dropped) a["keyword"] = nullptr;
    else a["keyword"] = arg.keyword.empty() ? arg.attr : arg.keyword;
    a["when_left_out"] = when_left_out_word(arg.when_left_out);
    if (arg.when_left_out == WhenLeftOut::InputDim) a["input_dim"] = arg.input_dim;
    args.push_back(std::move(a));
  }
  json t;
  if (!twin.module.empty()) t["module"] = twin.module;
  else t["function"] = twin.function;
  t["inputs"] = inputs_word(twin.inputs);
  t["args"] = std::move(args);
  t["eval"] = twin.eval_mode;
  t["input_rank"] = twin.input_rank;
  return t;
}

json op_json(const OpDef& def) {
  const OpSchema& op = def.schema;
  json attrs = json::array(), params = json::array();
  for (const AttrSpec& spec : op.attrs.specs) attrs.push_back(attribute_json(spec));
  for (const ParamDecl& param : def.params) params.push_back(param_json(param));
  return {{"name", op.name},
          {"aliases", op.aliases},
          {"summary", op.summary},
          {"inputs", {{"form", form_word(op.inputs)}, {"min", op.min_inputs}, {"max", op.max_inputs ? json(op.max_inputs) : json()}}},
          {"attributes", std::move(attrs)},
          {"parameters", std::move(params)},
          {"torch", torch_json(def)}};
}

}  // namespace

int run_ops(const OpsOptions& options) {
  if (options.format == OpsFormat::Json) {
    json ops = json::array();
    for (const OpDef* def : op_registry().ops()) ops.push_back(op_json(*def));
    // ASCII, as every JSON nnc prints.
    std::cout << json{{"ops", std::move(ops)}}.dump(-1, ' ', true) << "\n";
    return kExitOk;
  }
  for (const OpDef* def : op_registry().ops()) {
    const OpSchema& op = def->schema;
    const std::vector<AttrSpec>& attrs = op.attrs.specs;
    if (options.format == OpsFormat::Markdown) {
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
