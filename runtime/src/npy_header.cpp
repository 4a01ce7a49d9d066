#include "npy_header.h"

#include <fmt/format.h>

namespace nnc {
namespace {

class DictParser {
 public:
  explicit DictParser(std::string_view text) : s_(text) {}

  Result<NpyDict> parse() {
    NpyDict dict;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    if (!eat('{')) return expected("'{'");
    for (;;) {
      if (eat('}')) break;
      std::string key;
      if (!string(key)) return expected("a quoted key");
      if (!eat(':')) return expected("':'");
      bool* seen = key == "descr" ? &seen_descr : key == "fortran_order" ? &seen_fortran : key == "shape" ? &seen_shape : nullptr;
      if (!seen)
        return Error{fmt::format("unexpected key '{}' (a float32 array's header has 'descr', 'fortran_order' and 'shape')", key)};
      if (*seen) return Error{fmt::format("key '{}' appears twice", key)};
      *seen = true;
      auto value = key == "descr" ? descr(dict) : key == "shape" ? shape(dict) : fortran_order(dict);
      if (!value) return value.error();
      if (eat(',')) continue;
      if (eat('}')) break;
      return expected("',' or '}'");
    }
    skip_space();
    if (pos_ != s_.size()) return expected("the end of the header after the dict");
    const std::pair<bool, const char*> keys[] = {{seen_descr, "descr"}, {seen_fortran, "fortran_order"}, {seen_shape, "shape"}};
    for (auto [seen, key] : keys)
      if (!seen) return Error{fmt::format("the header has no '{}'", key)};
    return dict;
  }

 private:
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
  }
  bool peek(char c) {
    skip_space();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++pos_;
    return true;
  }
  bool eat_word(std::string_view w) {
    skip_space();
    if (s_.substr(pos_, w.size()) != w) return false;
    pos_ += w.size();
    return true;
  }

  Error expected(std::string_view what) {
    skip_space();
    std::string found = pos_ < s_.size() ? fmt::format("'{}'", s_.substr(pos_, 12)) : "the end of the header";
    return Error{fmt::format("expected {} at character {} of the header dict, found {}", what, pos_ + 1, found)};
  }

  // A quoted string without escapes (numpy never writes any in the keys and values it reads).
  bool string(std::string& out) {
    skip_space();
    if (pos_ >= s_.size() || (s_[pos_] != '\'' && s_[pos_] != '"')) return false;
    const char quote = s_[pos_];
    std::size_t end = s_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) return false;
    out = std::string(s_.substr(pos_ + 1, end - pos_ - 1));
    if (out.find('\\') != std::string::npos) return false;
    pos_ = end + 1;
    return true;
  }

  Result<void> descr(NpyDict& dict) {
    if (peek('[')) return Error{"'descr' is a list of fields (a structured dtype); expected '<f4' (float32)"};
    if (!string(dict.descr)) return expected("a quoted dtype such as '<f4' for 'descr'");
    return {};
  }

  Result<void> fortran_order(NpyDict& dict) {
    if (eat_word("True")) dict.fortran_order = true;
    else if (eat_word("False")) dict.fortran_order = false;
    else return expected("True or False for 'fortran_order'");
    return {};
  }

  Result<void> shape(NpyDict& dict) {
    if (!eat('(')) return expected("a tuple such as (2, 3) for 'shape'");
    bool comma = false;
    while (!eat(')')) {
      if (!dict.shape.empty() && !comma) return expected("',' or ')' in 'shape'");
      if (peek('-')) return Error{"'shape' has a negative dimension"};
      if (pos_ >= s_.size() || s_[pos_] < '0' || s_[pos_] > '9') return expected("a dimension in 'shape'");
      int64_t d = 0;
      while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') {
        auto next = checked::mul(d, 10);
        if (next) next = checked::add(*next, s_[pos_] - '0');
        if (!next) return Error{"a dimension in 'shape' does not fit in 64 bits"};
        d = *next;
        ++pos_;
      }
      if (pos_ < s_.size() && s_[pos_] == 'L') ++pos_;  // Python 2's long literal, in old files
      dict.shape.push_back(d);
      comma = eat(',');
    }
    if (dict.shape.size() == 1 && !comma) return Error{"'shape' is a parenthesised int, not a tuple: expected (N,)"};
    return {};
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

}  // namespace

Result<NpyDict> parse_npy_dict(std::string_view text) { return DictParser(text).parse(); }

}  // namespace nnc
