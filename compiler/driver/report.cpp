#include "driver/report.h"

#include <fmt/format.h>

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
      std::string text(line);
      for (char& c : text)
        if (c == '\t') c = ' ';
      out << fmt::format("{:>{}} | {}\n", gutter, width, text);
      int length = std::max(1, d.loc.length);
      std::string caret = "^" + std::string(static_cast<size_t>(length - 1), '~');
      out << fmt::format("{:>{}} | {}{}\n", "", width, std::string(static_cast<size_t>(std::max(0, d.loc.column - 1)), ' '),
                         paint("1;32", caret));
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

nlohmann::json model_json(const LoadedModel& model, bool strict) {
  nlohmann::json file = {{"file", model.path}, {"ok", model_ok(model, strict)}};
  nlohmann::json diagnostics = nlohmann::json::array();
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
  nlohmann::json layers = nlohmann::json::array();
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
