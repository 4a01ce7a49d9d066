#pragma once
// An op's attributes as a plain struct of Attr<T> fields, each bound once to its AttrSpec:
//
//   struct SoftmaxAttrs { Attr<int64_t> dim; };
//   .attrs = attr_schema<SoftmaxAttrs>({bind(&SoftmaxAttrs::dim, int_attr("dim", 1))})
//
// gives the front end the specs to read a layer with, and the decoder that fills the struct from
// the values it read; use sites then read ctx.attrs<SoftmaxAttrs>().dim.value.
#include <fmt/format.h>

#include <algorithm>
#include <any>
#include <array>
#include <cstdint>
#include <functional>
#include <type_traits>
#include <vector>

#include "graph/op_schema.h"
#include "support/internal_error.h"

namespace nnc {

using Pair = std::array<int64_t, 2>;  // [height, width]
using Scale = std::array<double, 2>;  // a factor per spatial axis, [height, width]

// conv2d's padding: explicit sizes, or the rule `valid` or `same`.
struct Padding {
  enum class Rule { Sizes, Valid, Same };
  Rule rule = Rule::Sizes;
  Pair sizes{};
};

// An adaptive pool's output size; a kept extent (null in the YAML) is the input's.
struct OutputSize {
  Pair sizes{};
  std::array<bool, 2> keep{};
};

namespace typed_attrs_detail {

// Whether a field of type T can hold an attribute of `type`; a Choice goes to an enum whose
// enumerators follow the spec's choices in order.
template <typename T>
constexpr bool holds(AttrType type) {
  if constexpr (std::is_same_v<T, int64_t>) return type == AttrType::Int;
  else if constexpr (std::is_same_v<T, Pair>) return type == AttrType::Size2;
  else if constexpr (std::is_same_v<T, Padding>) return type == AttrType::Padding;
  else if constexpr (std::is_same_v<T, OutputSize>) return type == AttrType::OutputSize;
  else if constexpr (std::is_same_v<T, bool>) return type == AttrType::Bool;
  else if constexpr (std::is_same_v<T, double>) return type == AttrType::Float;
  else if constexpr (std::is_same_v<T, std::vector<int64_t>>) return type == AttrType::IntList;
  else if constexpr (std::is_same_v<T, Scale>) return type == AttrType::Scale2;
  else if constexpr (std::is_enum_v<T>) return type == AttrType::Choice;
  else return false;
}

template <typename T>
T decode(const AttrValue& v, const AttrSpec& spec) {
  if constexpr (std::is_same_v<T, int64_t>) {
    return v.ints[0];
  } else if constexpr (std::is_same_v<T, Pair>) {
    return v.ints;
  } else if constexpr (std::is_same_v<T, Padding>) {
    if (v.word == "valid") return {Padding::Rule::Valid, {}};
    if (v.word == "same") return {Padding::Rule::Same, {}};
    return {Padding::Rule::Sizes, v.ints};
  } else if constexpr (std::is_same_v<T, OutputSize>) {
    return {v.ints, v.keep};
  } else if constexpr (std::is_same_v<T, bool>) {
    return v.flag;
  } else if constexpr (std::is_same_v<T, double>) {
    return v.number;
  } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
    return v.list;
  } else if constexpr (std::is_same_v<T, Scale>) {
    return v.numbers;
  } else {
    return static_cast<T>(std::find(spec.choices.begin(), spec.choices.end(), v.word) - spec.choices.begin());
  }
}

}  // namespace typed_attrs_detail

// One field of the struct S and the spec of the attribute it holds.
template <typename S>
struct AttrBinding {
  AttrSpec spec;
  std::function<void(S&, const AttrValue&)> assign;
};

// An internal error (a bug in nnc, met when nnc_core loads) if the field cannot hold the spec's type.
template <typename S, typename T>
AttrBinding<S> bind(Attr<T> S::*field, AttrSpec spec) {
  if (!typed_attrs_detail::holds<T>(spec.type))
    internal_error(fmt::format("attribute '{}' is bound to a field of another type", spec.name));
  auto assign = [field, spec](S& s, const AttrValue& v) {
    s.*field = Attr<T>{spec.name, typed_attrs_detail::decode<T>(v, spec), v.given, v.loc};
  };
  return {std::move(spec), std::move(assign)};
}

// The schema of an op whose attributes decode into S, one binding per attribute, in the order
// the docs list them.
template <typename S>
AttrSchema attr_schema(std::vector<AttrBinding<S>> bindings) {
  AttrSchema schema;
  for (const AttrBinding<S>& b : bindings) schema.specs.push_back(b.spec);
  schema.decode = [bindings = std::move(bindings)](const Attrs& values) {
    S attrs;
    for (const AttrBinding<S>& b : bindings) b.assign(attrs, values.get(b.spec.name));
    return std::any(std::move(attrs));
  };
  return schema;
}

}  // namespace nnc
