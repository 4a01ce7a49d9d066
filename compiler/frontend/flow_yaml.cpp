#include "frontend/flow_yaml.h"

#include <cstring>

namespace nnc {
namespace {

bool plain_is_safe(std::string_view text) {
  if (text.empty() || std::strchr("-?:,[]{}#&*!|>'\"%@` \t", text.front()) || text.back() == ' ' || text.back() == ':') return false;
  for (char c : text)
    if (c == '\n' || c == '\r' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') return false;
  if (text.find(": ") != std::string_view::npos || text.find(" #") != std::string_view::npos) return false;
  // Words YAML reads as null or booleans stay strings only when quoted.
  for (const char* word : {"null", "Null", "NULL", "~", "true", "True", "TRUE", "false", "False", "FALSE"})
    if (text == word) return false;
  return true;
}

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace

std::string flow_string(std::string_view text) { return plain_is_safe(text) ? std::string(text) : quoted(text); }

std::string flow_text(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "null";
  if (node.IsScalar()) {
    const std::string& text = node.Scalar();
    // A quoted source scalar stays quoted, so that '3' does not turn into the number 3; a plain one stays plain
    // unless it holds what flow style reads as structure.
    if (node.Tag() == "!") return quoted(text);
    const bool structure = text.find_first_of(",[]{}\n") != std::string::npos || text.find(": ") != std::string::npos ||
                           text.find(" #") != std::string::npos;
    return structure ? quoted(text) : text;
  }
  std::string out;
  if (node.IsSequence()) {
    out = "[";
    for (size_t i = 0; i < node.size(); ++i) out += (i ? ", " : "") + flow_text(node[i]);
    return out + "]";
  }
  out = "{";
  bool first = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    out += (first ? "" : ", ") + flow_text(it->first) + ": " + flow_text(it->second);
    first = false;
  }
  return out + "}";
}

}  // namespace nnc
