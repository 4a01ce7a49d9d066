#include "graph/attributes.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "support/internal_error.h"

namespace nnc {

AttrSpec required_int(std::string name, std::optional<int64_t> min, std::string hint) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Int, .required = true};
  s.min_int = min;
  s.hint = std::move(hint);
  return s;
}

AttrSpec optional_int(std::string name, std::optional<int64_t> min) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Int};
  s.min_int = min;
  return s;
}

AttrSpec nullable_int(std::string name) { return {.name = std::move(name), .type = AttrType::Int, .null_default = true}; }

AttrSpec int_attr(std::string name, int64_t def, std::optional<int64_t> min) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Int, .has_default = true};
  s.default_ints = {def, def};
  s.min_int = min;
  return s;
}

AttrSpec required_size2(std::string name, int64_t min, std::string hint) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Size2, .required = true};
  s.min_int = min;
  s.hint = std::move(hint);
  return s;
}

AttrSpec size2_attr(std::string name, int64_t def, int64_t min) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Size2, .has_default = true};
  s.default_ints = {def, def};
  s.min_int = min;
  return s;
}

AttrSpec size2_same_as(std::string name, std::string other, int64_t min) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Size2, .has_default = true};
  s.same_as = std::move(other);
  s.min_int = min;
  return s;
}

AttrSpec padding_attr(std::string name) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Padding, .has_default = true};
  s.min_int = 0;
  s.choices = {"valid", "same"};
  return s;
}

AttrSpec required_output_size(std::string name, std::string hint) {
  AttrSpec s{.name = std::move(name), .type = AttrType::OutputSize, .required = true};
  s.min_int = 1;
  s.hint = std::move(hint);
  return s;
}

AttrSpec bool_attr(std::string name, bool def) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Bool, .has_default = true};
  s.default_flag = def;
  return s;
}

AttrSpec float_attr(std::string name, double def) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Float, .has_default = true};
  s.default_number = def;
  return s;
}

AttrSpec choice_attr(std::string name, std::vector<std::string> choices, std::string def) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Choice, .has_default = true};
  s.choices = std::move(choices);
  s.default_word = std::move(def);
  return s;
}

AttrSpec required_int_list(std::string name, std::optional<int64_t> min, std::string hint) {
  AttrSpec s{.name = std::move(name), .type = AttrType::IntList, .required = true};
  s.min_int = min;
  s.hint = std::move(hint);
  return s;
}

AttrSpec optional_size2(std::string name, int64_t min) {
  AttrSpec s{.name = std::move(name), .type = AttrType::Size2, .optional = true};
  s.min_int = min;
  return s;
}

AttrSpec optional_scale2(std::string name) { return {.name = std::move(name), .type = AttrType::Scale2, .optional = true}; }

AttrSpec optional_bool(std::string name) { return {.name = std::move(name), .type = AttrType::Bool, .optional = true}; }

void Attrs::set(std::string name, AttrValue value) {
  for (auto& [n, v] : values_) {
    if (n == name) {
      v = std::move(value);
      return;
    }
  }
  values_.emplace_back(std::move(name), std::move(value));
}

const AttrValue* Attrs::find(std::string_view name) const {
  for (const auto& [n, v] : values_)
    if (n == name) return &v;
  return nullptr;
}

const AttrValue& Attrs::get(std::string_view name) const {
  if (const AttrValue* v = find(name)) return *v;
  internal_error(fmt::format("attribute '{}' read but not in the op's schema", name));
}

AttrValue default_value(const AttrSpec& spec, const Attrs& given_so_far) {
  if (!spec.same_as.empty() && given_so_far.has(spec.same_as)) {
    AttrValue v = given_so_far.get(spec.same_as);
    v.given = false;
    v.loc = {};
    return v;
  }
  AttrValue v;
  v.type = spec.type;
  v.ints = spec.default_ints;
  v.number = spec.default_number;
  v.flag = spec.default_flag;
  v.word = spec.default_word;
  return v;
}

std::string format_value(const AttrValue& v) {
  switch (v.type) {
    case AttrType::Int:
      return std::to_string(v.ints[0]);
    case AttrType::Bool:
      return v.flag ? "true" : "false";
    case AttrType::Float:
      return fmt::format("{}", v.number);
    case AttrType::Choice:
      return v.word;
    case AttrType::Padding:
      if (!v.word.empty()) return v.word;
      [[fallthrough]];
    case AttrType::Size2:
    case AttrType::OutputSize: {
      auto one = [&](int i) { return v.keep[i] ? std::string("null") : std::to_string(v.ints[i]); };
      if (v.ints[0] == v.ints[1] && v.keep[0] == v.keep[1]) return one(0);
      return "[" + one(0) + ", " + one(1) + "]";
    }
    case AttrType::IntList:
      if (v.list.size() == 1) return std::to_string(v.list[0]);
      return fmt::format("[{}]", fmt::join(v.list, ", "));
    case AttrType::Scale2:
      if (v.numbers[0] == v.numbers[1]) return fmt::format("{}", v.numbers[0]);
      return fmt::format("[{}, {}]", v.numbers[0], v.numbers[1]);
  }
  return "";
}

}  // namespace nnc
