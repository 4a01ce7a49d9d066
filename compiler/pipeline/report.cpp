#include "pipeline/report.h"

#include <fmt/format.h>

#include "support/identifier.h"
#include "support/printable.h"

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

bool utf8_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Terminal columns of text[from, to): columns count bytes, as yaml-cpp's do; a terminal shows
// characters.
size_t width(std::string_view text, size_t from, size_t to) {
  size_t n = 0;
  for (size_t i = from; i < to && i < text.size(); ++i) n += !utf8_continuation(text[i]);
  return n;
}

// A source line as shown under a diagnostic, and where its caret goes. A long line (a model
// written on one line) is cut to a window around the caret, with "..." where it is cut.
struct ShownLine {
  std::string text;
  size_t caret_at = 0, caret_length = 1;
};

ShownLine show_line(std::string_view line, SourceLoc loc) {
  constexpr size_t kWidth = 120, kBefore = 40;
  const size_t start = std::min(line.size(), static_cast<size_t>(std::max(1, loc.column) - 1));
  size_t begin = 0, end = line.size();
  if (line.size() > kWidth) {
    begin = start > kBefore ? start - kBefore : 0;
    end = std::min(line.size(), begin + kWidth);
    while (begin > 0 && utf8_continuation(line[begin])) --begin;
    while (end < line.size() && utf8_continuation(line[end])) ++end;
  }
  const std::string before = begin > 0 ? "..." : "", after = end < line.size() ? "..." : "";
  ShownLine shown;
  shown.text = before + printable(line.substr(begin, end - begin)) + after;
  shown.caret_at = before.size() + width(line, begin, start);
  const size_t caret_end = std::min(end, start + static_cast<size_t>(std::max(1, loc.length)));
  shown.caret_length = std::max<size_t>(1, width(line, start, caret_end));
  return shown;
}

// The line at `loc` with a caret under it, when the model's text has that line.
void print_source_line(std::ostream& out, const LoadedModel& model, SourceLoc loc, const Paint& paint) {
  std::string_view line = model.source ? model.source->line(loc.line) : std::string_view{};
  if (!loc.line || line.empty()) return;
  std::string gutter = std::to_string(loc.line);
  size_t gutter_width = std::max<size_t>(5, gutter.size());
  ShownLine shown = show_line(line, loc);
  out << fmt::format("{:>{}} | {}\n", gutter, gutter_width, shown.text);
  std::string caret = "^" + std::string(shown.caret_length - 1, '~');
  out << fmt::format("{:>{}} | {}{}\n", "", gutter_width, std::string(shown.caret_at, ' '), paint("1;32", caret));
}

}  // namespace

void print_diagnostics(std::ostream& out, const LoadedModel& model, TextStyle style) {
  Paint paint{style.color};
  for (const Diagnostic& d : model.diags.sorted()) {
    const bool error = d.severity == Severity::Error;
    out << paint("1", position(model, d.loc) + ":") << ' '
        << paint(error ? "1;31" : "1;35", std::string(severity_name(d.severity)) + ":") << ' '
        << paint("1", printable(d.message)) << " [" << d.code << "]\n";
    print_source_line(out, model, d.loc, paint);
    if (!d.help.empty())
      out << paint("1", position(model, d.loc) + ":") << ' ' << paint("1;36", "help:") << ' ' << printable(d.help) << '\n';
    // As compilers do for deep template instantiations: the innermost and outermost instances, and a count between.
    constexpr size_t kShownEachEnd = 5;
    const size_t skipped = d.notes.size() > 2 * kShownEachEnd + 1 ? d.notes.size() - 2 * kShownEachEnd : 0;
    for (size_t i = 0; i < d.notes.size(); ++i) {
      if (skipped && i == kShownEachEnd)
        out << paint("1", position(model, {}) + ":") << ' ' << paint("1;30", "note:") << ' '
            << fmt::format("({} instances between these are not shown)", skipped) << '\n';
      if (skipped && i >= kShownEachEnd && i < kShownEachEnd + skipped) continue;
      const DiagnosticNote& note = d.notes[i];
      out << paint("1", position(model, note.loc) + ":") << ' ' << paint("1;30", "note:") << ' ' << printable(note.message) << '\n';
      print_source_line(out, model, note.loc, paint);
    }
  }
}

void print_github_annotations(std::ostream& out, const LoadedModel& model) {
  for (const Diagnostic& d : model.diags.sorted()) {
    std::string props = "file=" + escape_github(model.path, true);
    if (d.loc.line) props += fmt::format(",line={},col={}", d.loc.line, d.loc.column);
    props += ",title=" + escape_github("nnc " + d.code, true);
    std::string message = printable(d.message);
    if (!d.help.empty()) message += "\nhelp: " + printable(d.help);
    for (const DiagnosticNote& note : d.notes)
      message += (note.loc.line ? fmt::format("\nnote: line {}, column {}: ", note.loc.line, note.loc.column) : "\nnote: ") +
                 printable(note.message);
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
    nlohmann::ordered_json diagnostic = {{"severity", severity_name(d.severity)},
                                         {"code", d.code},
                                         {"line", d.loc.line},
                                         {"column", d.loc.column},
                                         {"message", d.message},
                                         {"help", d.help}};
    // Only when there are notes, so that a diagnostic without them has the contract's keys alone.
    for (const DiagnosticNote& note : d.notes)
      diagnostic["notes"].push_back({{"message", note.message}, {"line", note.loc.line}, {"column", note.loc.column}});
    diagnostics.push_back(diagnostic);
  }
  file["diagnostics"] = diagnostics;
  const Graph& g = model.graph;
  // The namespace and file stem of `nnc emit`, which build systems need before the code is emitted (nnc_add_model).
  if (!model.unreadable()) file["emit_name"] = model_identifier(g.name);
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
