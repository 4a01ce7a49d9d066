#pragma once
// The attribute schema of an op (names, types, defaults) and the values a layer gives them.
// The schema drives parsing, "did you mean", defaults and the docs; each op decodes the values
// once into its own struct of Attr<T> fields (ops/typed_attrs.h).
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "support/diagnostics.h"

namespace nnc {

enum class AttrType {
  Int,         // 5
  Size2,       // 5 or [5, 3]
  Padding,     // 5, [5, 3], valid or same (conv2d)
  OutputSize,  // 7, [7, 5] or [null, 5]: null keeps the input's extent (adaptive pools)
  Bool,
  Float,
  Choice,      // one of a fixed list of words
  IntList,     // 5 or [5, 3, 2]: one size or several (layernorm's normalized_shape)
  Scale2,      // 1.5 or [2, 1.5]: a factor per spatial axis (upsample's scale_factor)
};

struct AttrSpec {
  std::string name;
  AttrType type = AttrType::Int;
  bool required = false;
  bool has_default = false;  // false and not required: inferred, checked when given (in_channels)
  bool null_default = false;  // optional, and null (no value) when left out or written null (slice's end)
  bool optional = false;     // may be left out, as PyTorch's None: the op's rule says what then
  std::array<int64_t, 2> default_ints{};
  double default_number = 0;
  bool default_flag = false;
  std::string default_word;
  std::string same_as;  // default copied from this attribute (pool stride = kernel_size)
  std::optional<int64_t> min_int;
  std::vector<std::string> choices;
  std::string hint;  // what the value means, for "missing attribute" help
};

// Builders, so that an op's schema reads like PyTorch's signature.
AttrSpec required_int(std::string name, std::optional<int64_t> min, std::string hint);  // min nullopt: any int
AttrSpec optional_int(std::string name, std::optional<int64_t> min);  // no default: checked when given
AttrSpec nullable_int(std::string name);                               // an int or null, null by default
AttrSpec int_attr(std::string name, int64_t def, std::optional<int64_t> min = std::nullopt);
AttrSpec required_size2(std::string name, int64_t min, std::string hint);
AttrSpec size2_attr(std::string name, int64_t def, int64_t min);
AttrSpec size2_same_as(std::string name, std::string other, int64_t min);
AttrSpec padding_attr(std::string name);
AttrSpec required_output_size(std::string name, std::string hint);
AttrSpec bool_attr(std::string name, bool def);
AttrSpec float_attr(std::string name, double def);
AttrSpec choice_attr(std::string name, std::vector<std::string> choices, std::string def);
AttrSpec required_int_list(std::string name, std::optional<int64_t> min, std::string hint);
// Left out as PyTorch's None (upsample's size, scale_factor and align_corners).
AttrSpec optional_size2(std::string name, int64_t min);
AttrSpec optional_scale2(std::string name);
AttrSpec optional_bool(std::string name);

struct AttrValue {
  AttrType type = AttrType::Int;
  bool given = false;                 // written in the YAML (else a default)
  SourceLoc loc;                      // the key: value pair, when given
  std::array<int64_t, 2> ints{};      // Int: [0]; pairs: [h, w]
  std::array<bool, 2> keep{};         // OutputSize: entry was null
  double number = 0;
  std::array<double, 2> numbers{};    // Scale2: [h, w]
  bool flag = false;
  std::string word;                   // Choice, or Padding's "same"/"valid"
  std::vector<int64_t> list;          // IntList
};

class Attrs {
 public:
  void set(std::string name, AttrValue value);
  bool has(std::string_view name) const { return find(name) != nullptr; }

  const AttrValue& get(std::string_view name) const;
  int64_t integer(std::string_view name) const { return get(name).ints[0]; }
  std::array<int64_t, 2> pair(std::string_view name) const { return get(name).ints; }
  double number(std::string_view name) const { return get(name).number; }
  bool flag(std::string_view name) const { return get(name).flag; }
  const std::string& word(std::string_view name) const { return get(name).word; }
  bool given(std::string_view name) const { return get(name).given; }
  SourceLoc loc(std::string_view name) const { return get(name).loc; }

  const std::vector<std::pair<std::string, AttrValue>>& entries() const { return values_; }

 private:
  const AttrValue* find(std::string_view name) const;
  std::vector<std::pair<std::string, AttrValue>> values_;
};

// One attribute as an op reads it: its typed value, and where the YAML wrote it, for diagnostics.
template <typename T>
struct Attr {
  std::string name;
  T value{};
  bool given = false;  // written in the YAML (else a default)
  SourceLoc loc;       // the key: value pair, when given
};

// The value an attribute takes when the layer leaves it out.
AttrValue default_value(const AttrSpec& spec, const Attrs& given_so_far);

// How the value is written in YAML, for messages and the summary: "5", "[5, 3]", "same", "true", "[4, 4, 8]", "[2, 1.5]".
std::string format_value(const AttrValue& value);

}  // namespace nnc
