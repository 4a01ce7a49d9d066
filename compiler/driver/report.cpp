#include "driver/report.h"

#include <fmt/format.h>

#include <algorithm>

namespace nnc {
namespace {

struct Paint {
  bool on;
  std::string operator()(const char* code, std::string_view text) const {
    return on ? fmt::format("\033[{}m{}\033[0m", code, text) : std::string(text);
  }
};

std::string position(const LoadedModel& model, SourceLoc loc) {
  return loc.line ? fmt::format("{}:{}:{}", model.path, loc.line, loc.column) : model.path;
}

// GitHub's workflow-command escaping: data needs %, CR, LF; properties also ':' and ','.
std::string escape_github(std::string_view text, bool property) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '%': out += "%25"; break;
      case '\r': out += "%0D"; break;
      case '\n': out += "%0A"; break;
      case ':': out += property ? "%3A" : ":"; break;
      case ',': out += property ? "%2C" : ","; break;
      default: out += c;
    }
  }
  return out;
}

// The part of a source line shown under a diagnostic: long lines are cut around the node.
struct Excerpt {
  std::string text;
  size_t column = 0;  // 0-based caret position within text
  int length = 1;
};

Excerpt excerpt_around(std::string_view line, SourceLoc loc) {
  constexpr size_t kContext = 40, kMaxCaret = 80;
  size_t column = static_cast<size_t>(std::max(1, loc.column) - 1);
  size_t start = column > kContext ? column - kContext : 0;
  size_t end = std::min(line.size(), column + kMaxCaret + kContext);
  Excerpt e;
  if (start > 0) e.text = "...";
  e.column = e.text.size() + std::min(column, line.size()) - start;
  e.text += line.substr(start, end - start);
  if (end < line.size()) e.text += "...";
  for (char& c : e.text)
    if (c == '\t') c = ' ';
  e.length = static_cast<int>(std::clamp<size_t>(static_cast<size_t>(std::max(1, loc.length)), 1, kMaxCaret));
  return e;
}

}  // namespace

void print_diagnostics(std::ostream& out, const LoadedModel& model, TextStyle style) {
  Paint paint{style.color};
  for (const Diagnostic& d : model.diags.sorted()) {
    const bool error = d.severity == Severity::Error;
    out << paint("1", position(model, d.loc) + ":") << ' '
        << paint(error ? "1;31" : "1;35", std::string(severity_name(d.severity)) + ":") << ' ' << paint("1", d.message)
        << " [" << d.code << "]\n";
    std::string_view line = model.source ? model.source->line(d.loc.line) : std::string_view{};
    if (d.loc.line && !line.empty()) {
      std::string gutter = std::to_string(d.loc.line);
      size_t width = std::max<size_t>(5, gutter.size());
      Excerpt excerpt = excerpt_around(line, d.loc);
      out << fmt::format("{:>{}} | {}\n", gutter, width, excerpt.text);
      std::string caret = "^" + std::string(static_cast<size_t>(excerpt.length - 1), '~');
      out << fmt::format("{:>{}} | {}{}\n", "", width, std::string(excerpt.column, ' '), paint("1;32", caret));
    }
    if (!d.help.empty()) out << paint("1", position(model, d.loc) + ":") << ' ' << paint("1;36", "help:") << ' ' << d.help << '\n';
  }
}

void print_github_annotations(std::ostream& out, const LoadedModel& model) {
  for (const Diagnostic& d : model.diags.sorted()) {
    std::string props = "file=" + escape_github(model.path, true);
    if (d.loc.line) props += fmt::format(",line={},col={}", d.loc.line, d.loc.column);
    props += ",title=" + escape_github("nnc " + d.code, true);
    std::string message = d.message;
    if (!d.help.empty()) message += "\nhelp: " + d.help;
    out << "::" << severity_name(d.severity) << ' ' << props << "::" << escape_github(message, false) << '\n';
  }
}

bool model_ok(const LoadedModel& model, bool strict) {
  return !model.diags.has_errors() && !(strict && model.diags.warning_count() > 0);
}

nlohmann::ordered_json model_json(const LoadedModel& model, bool strict) {
  nlohmann::ordered_json file = {{"file", model.path}, {"ok", model_ok(model, strict)}};
  nlohmann::ordered_json diagnostics = nlohmann::ordered_json::array();
  for (const Diagnostic& d : model.diags.sorted()) {
    diagnostics.push_back({{"severity", severity_name(d.severity)},
                           {"code", d.code},
                           {"line", d.loc.line},
                           {"column", d.loc.column},
                           {"message", d.message},
                           {"help", d.help}});
  }
  file["diagnostics"] = diagnostics;
  const Graph& g = model.graph;
  if (!g.input_shape.empty()) file["input"] = {{"name", g.input_name}, {"shape", g.input_shape}};
  nlohmann::ordered_json layers = nlohmann::ordered_json::array();
  for (const Layer& layer : g.layers) {
    if (!layer.shape) break;  // the layers whose shapes are known, in order
    layers.push_back({{"name", layer.name},
                      {"op", layer.op},
                      {"shape", *layer.shape},
                      {"params", param_count(layer)},
                      {"macs", layer.macs}});
  }
  if (!layers.empty()) file["layers"] = layers;
  if (g.output >= 0 && g.layers[g.output].shape)
    file["output"] = {{"name", g.layers[g.output].name}, {"shape", *g.layers[g.output].shape}};
  return file;
}

}  // namespace nnc
