#include "frontend/yaml_errors.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <cstring>
#include <sstream>
#include <optional>
#include <string_view>
#include <vector>

namespace nnc {
namespace {

struct Bracket {
  int line = 0, column = 0;  // 1-based
  char c = 0;
};

// Calls on_bracket(bracket, open) for each flow bracket `[ { ] }` of a YAML text up to (line,
// column), where `open` holds the brackets open before it, outermost first; stops early when
// on_bracket returns false. Comments, quoted strings and brackets inside plain scalars
// (`name: net[1]`) are skipped. Returns the brackets still open where it stopped; `open_quote`, when
// given, is set to the quote that opens a string still unclosed there (else left alone).
template <typename OnBracket>
std::vector<Bracket> scan_brackets(const SourceFile& file, int stop_line, int stop_column, OnBracket on_bracket,
                                   Bracket* open_quote = nullptr) {
  std::vector<Bracket> open;
  Bracket quote_start;
  char quote = 0;
  auto stop = [&] {
    if (quote && open_quote) *open_quote = quote_start;
    return open;
  };
  for (int n = 1; n <= file.line_count() && n <= stop_line; ++n) {
    std::string_view text = file.line(n);
    bool node_start = true;  // a bracket or quote here starts a node instead of sitting in a plain scalar
    for (size_t i = 0; i < text.size(); ++i) {
      if (n == stop_line && static_cast<int>(i) + 1 >= stop_column) return stop();
      const char c = text[i];
      if (quote) {
        if (quote == '"' && c == '\\') {
          ++i;
        } else if (c == quote) {
          if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') ++i;
          else quote = 0;
        }
        continue;
      }
      if (c == ' ' || c == '\t') continue;
      if (c == '#' && (i == 0 || text[i - 1] == ' ' || text[i - 1] == '\t')) break;
      const bool flow = !open.empty();
      const bool blank_after = i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t';
      if (node_start && (c == '"' || c == '\'')) {
        quote = c;
        quote_start = {n, static_cast<int>(i) + 1, c};
        node_start = false;
      } else if ((c == '[' || c == '{') && (node_start || flow)) {
        Bracket b{n, static_cast<int>(i) + 1, c};
        if (!on_bracket(b, open)) return stop();
        open.push_back(b);
        node_start = true;
      } else if ((c == ']' || c == '}') && flow) {
        if (!on_bracket(Bracket{n, static_cast<int>(i) + 1, c}, open)) return stop();
        open.pop_back();
        node_start = false;
      } else if ((c == ',' && flow) || ((c == '-' || c == '?' || c == ':') && (blank_after || (c == ':' && flow)))) {
        node_start = true;
      } else if (node_start && (c == '&' || c == '!')) {
        while (i + 1 < text.size() && text[i + 1] != ' ' && text[i + 1] != '\t') ++i;  // an anchor or tag
      } else {
        node_start = false;
      }
    }
  }
  return stop();
}

std::vector<Bracket> open_brackets_at(const SourceFile& file, int line, int column) {
  return scan_brackets(file, line, column, [](const Bracket&, const std::vector<Bracket>&) { return true; });
}

const char* what_opens(char c) { return c == '[' ? "list" : "mapping"; }
char closer_of(char c) { return c == '[' ? ']' : '}'; }

// The innermost open bracket `c`, if any.
const Bracket* innermost(const std::vector<Bracket>& open, char c) {
  for (auto it = open.rbegin(); it != open.rend(); ++it)
    if (it->c == c) return &*it;
  return nullptr;
}

bool starts_with(const std::string& text, const char* prefix) { return text.compare(0, std::strlen(prefix), prefix) == 0; }

// Where yaml-cpp stopped: its Mark, 1-based, clamped into the file.
SourceLoc stop_position(const SourceFile& file, const YAML::Mark& mark) {
  if (mark.line < 0) return {1, 1, 1};
  SourceLoc loc{mark.line + 1, mark.column + 1, 1};
  if (loc.line > file.line_count() && file.line_count() > 0) {
    loc.line = file.line_count();
    loc.column = static_cast<int>(file.line(loc.line).size()) + 1;
  }
  return loc;
}

// The quote that opens a string still unclosed at the end of the file, if any.
std::optional<Bracket> unclosed_quote(const SourceFile& file) {
  Bracket quote;
  scan_brackets(file, file.line_count(), INT32_MAX, [](const Bracket&, const std::vector<Bracket>&) { return true; }, &quote);
  return quote.c ? std::optional(quote) : std::nullopt;
}

void report_unclosed_quote(const Bracket& quote, DiagnosticEngine& diags) {
  diags.error("yaml-syntax", {quote.line, quote.column, 1}, fmt::format("this `{}` opens a quoted string that is never closed", quote.c),
              fmt::format("add the closing `{}`: without it the string runs to the end of the file", quote.c));
}

// Records where documents start; the rest of the events are not needed.
class DocumentStarts : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Where each of the first `at_most` documents of `text` starts. yaml-cpp's LoadAll can loop forever on some
// malformed texts, so the parser is never asked for more. Throws what the parser throws.
std::vector<YAML::Mark> document_starts(const std::string& text, int at_most) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  for (int documents = 0; documents < at_most && parser.HandleNextDocument(handler); ++documents) {
  }
  return handler.starts;
}

// yaml-cpp reports a quoted string left open only when the file does not end with a line break; with one, it
// takes the rest of the file as the string. Whether it does is asked of yaml-cpp itself, on the file without its
// trailing blanks, since the scan of quotes does not know block scalars.
bool check_quotes_closed(const SourceFile& file, DiagnosticEngine& diags) {
  const std::optional<Bracket> quote = unclosed_quote(file);
  if (!quote) return true;
  const std::string& text = file.text();
  try {
    document_starts(text.substr(0, text.find_last_not_of(" \t\r\n") + 1), 2);
    return true;
  } catch (const YAML::Exception& e) {
    if (!starts_with(e.msg, YAML::ErrorMsg::EOF_IN_SCALAR)) return true;
  }
  report_unclosed_quote(*quote, diags);
  return false;
}

// Where the file's second YAML document starts: at a `---` line once a document has begun, or at what follows
// a `...` line (the end of a document). yaml-cpp's Mark of a document is its first node's, or the next token's.
SourceLoc second_document_at(const SourceFile& file, const YAML::Mark& second) {
  bool begun = false, ended = false;
  for (int n = 1; n <= file.line_count(); ++n) {
    const std::string_view line = file.line(n);
    auto is_marker = [&](std::string_view marker) {
      return line.substr(0, 3) == marker && (line.size() == 3 || line[3] == ' ' || line[3] == '\t');
    };
    const size_t content = line.find_first_not_of(" \t");
    if (!begun && !ended && line.substr(0, 1) == "%") continue;  // a directive (`%YAML 1.2`) before the first `---`
    if (is_marker("---")) {
      if (begun || ended) return {n, 1, 3};
      begun = true;
    } else if (is_marker("...")) {
      ended = true;
    } else if (content != std::string_view::npos && line[content] != '#') {
      if (ended) return {n, static_cast<int>(content) + 1, 0};
      begun = true;
    }
  }
  return stop_position(file, second);
}


void report_deep_nesting(const SourceFile& file, const YAML::DeepRecursion& e, DiagnosticEngine& diags) {
  const std::string help = "a model file needs only a few levels: a mapping, a list of layers, and short lists of sizes";
  // A run of brackets this deep is the culprit; point at where it starts.
  constexpr size_t kDeep = 100;
  Bracket start;
  size_t deepest = 0;
  scan_brackets(file, file.line_count(), INT32_MAX, [&](const Bracket& b, const std::vector<Bracket>& open) {
    if (b.c == ']' || b.c == '}') return !(start.line && open.size() == 1);
    if (open.size() + 1 >= kDeep && !start.line) start = open.front();
    deepest = std::max(deepest, open.size() + 1);
    return true;
  });
  if (start.line) {
    diags.error("nesting-too-deep", {start.line, start.column, 1},
                fmt::format("the YAML is nested too deeply to read: the brackets from here on nest {} levels deep", deepest),
                help);
    return;
  }
  diags.error("nesting-too-deep", stop_position(file, e.mark),
              fmt::format("the YAML is nested too deeply to read: more than {} levels here", e.depth()), help);
}

}  // namespace

bool check_is_text(const SourceFile& file, DiagnosticEngine& diags) {
  for (int n = 1; n <= file.line_count(); ++n) {
    size_t nul = file.line(n).find('\0');
    if (nul == std::string_view::npos) continue;
    diags.error("yaml-syntax", {n, static_cast<int>(nul) + 1, 1}, "the file contains a NUL byte, so it is not YAML text",
                "a model file is a text file: check that this is the model and not a binary file");
    return false;
  }
  return true;
}

std::optional<YAML::Mark> second_document_start(const std::string& text) {
  std::vector<YAML::Mark> starts = document_starts(text, 2);
  if (starts.size() < 2) return std::nullopt;
  return starts[1];
}

bool check_documents(const SourceFile& file, const std::optional<YAML::Mark>& second, DiagnosticEngine& diags) {
  if (!check_quotes_closed(file, diags)) return false;
  if (!second) return true;
  diags.error("multiple-documents", second_document_at(file, *second),
              "a second YAML document starts here, but a model file holds one document",
              "remove it, or move it to a file of its own (a `---` line starts a document, a `...` line ends one)");
  return false;
}

void report_yaml_error(const SourceFile& file, const YAML::Exception& error, DiagnosticEngine& diags) {
  if (const auto* deep = dynamic_cast<const YAML::DeepRecursion*>(&error)) {
    report_deep_nesting(file, *deep, diags);
    return;
  }
  const SourceLoc stop = stop_position(file, error.mark);
  const std::string& msg = error.msg;
  // A string left open swallows the brackets and quotes after it: it is the mistake to show.
  const bool ran_to_end = starts_with(msg, YAML::ErrorMsg::EOF_IN_SCALAR) || starts_with(msg, YAML::ErrorMsg::END_OF_SEQ_FLOW) ||
                          starts_with(msg, YAML::ErrorMsg::END_OF_MAP_FLOW);
  if (const std::optional<Bracket> quote = ran_to_end ? unclosed_quote(file) : std::nullopt) {
    report_unclosed_quote(*quote, diags);
    return;
  }
  const std::string_view line = file.line(stop.line);
  const std::string gave_up = fmt::format("the YAML reader looked for it up to line {}, column {}", stop.line, stop.column);

  if (starts_with(msg, YAML::ErrorMsg::END_OF_SEQ_FLOW) || starts_with(msg, YAML::ErrorMsg::END_OF_MAP_FLOW)) {
    const char c = starts_with(msg, YAML::ErrorMsg::END_OF_SEQ_FLOW) ? '[' : '{';
    std::vector<Bracket> open = open_brackets_at(file, stop.line, stop.column);
    // At the end of a file without a final line break, yaml-cpp stops at the start of the last line.
    if (!innermost(open, c)) open = open_brackets_at(file, file.line_count(), INT32_MAX);
    if (const Bracket* b = innermost(open, c)) {
      diags.error("yaml-syntax", {b->line, b->column, 1}, fmt::format("this `{}` opens a {} that is never closed", c, what_opens(c)),
                  fmt::format("add the closing `{}` ({})", closer_of(c), gave_up));
      return;
    }
  }
  if (starts_with(msg, YAML::ErrorMsg::FLOW_END) && stop.column <= static_cast<int>(line.size())) {
    const char c = line[stop.column - 1];
    std::vector<Bracket> open = open_brackets_at(file, stop.line, stop.column);
    if (!open.empty() && closer_of(open.back().c) != c) {
      diags.error("yaml-syntax", stop,
                  fmt::format("this `{}` does not close the `{}` opened at line {}, column {}", c, open.back().c,
                              open.back().line, open.back().column),
                  fmt::format("close the {} with `{}` first", what_opens(open.back().c), closer_of(open.back().c)));
      return;
    }
    if (open.empty() && (c == ']' || c == '}')) {
      diags.error("yaml-syntax", stop, fmt::format("this `{}` closes nothing: no `{}` is open here", c, c == ']' ? '[' : '{'),
                  "remove it, or add the opening bracket it belongs to");
      return;
    }
  }
  const bool tab_indent = line.find_first_not_of(" \t") != std::string_view::npos &&
                          line.substr(0, line.find_first_not_of(" \t")).find('\t') != std::string_view::npos;
  if (starts_with(msg, YAML::ErrorMsg::TAB_IN_INDENTATION) || tab_indent) {
    diags.error("yaml-syntax", {stop.line, 1, 1}, "this line is indented with a tab, but YAML indents with spaces only",
                "replace the tab with spaces");
    return;
  }
  if (starts_with(msg, YAML::ErrorMsg::MAP_VALUE)) {
    // `key: 3` followed by a line indented further reads as one multi-line value `3 key2`, then `:`.
    auto indent = [](std::string_view text) {  // where the line's first key starts, after any `- `
      size_t i = text.find_first_not_of(' ');
      while (i != std::string_view::npos && text.substr(i, 2) == "- ") i = text.find_first_not_of(' ', i + 1);
      return i;
    };
    int above = stop.line - 1;
    while (above > 0 && (indent(file.line(above)) == std::string_view::npos || file.line(above)[indent(file.line(above))] == '#'))
      --above;
    const bool first_colon = line.find(':') == static_cast<size_t>(stop.column - 1);
    if (above > 0 && first_colon && indent(line) != std::string_view::npos && indent(line) > indent(file.line(above))) {
      diags.error("yaml-syntax", {stop.line, static_cast<int>(indent(line)) + 1, 1},
                  "this line is indented more than the line above it, so YAML reads it as part of that line's value",
                  fmt::format("indent it by {} spaces, like the line above", indent(file.line(above))));
      return;
    }
  }
  struct Known {
    const char* yaml_cpp;
    const char* message;
    const char* help;
  };
  static const Known known[] = {
      {YAML::ErrorMsg::MAP_VALUE, "a `key: value` pair is not allowed here",
       "check the indentation (the keys of one mapping start in the same column), or quote a value that contains `: `"},
      {YAML::ErrorMsg::END_OF_MAP, "this line's indentation does not fit the mapping it is in",
       "indent it like the other keys of its mapping, or like the `- ` items of its list"},
      {YAML::ErrorMsg::END_OF_SEQ, "this line's indentation does not fit the list it is in",
       "the `- ` items of one list start in the same column"},
      {YAML::ErrorMsg::BLOCK_ENTRY, "a list item `- ` is not allowed here",
       "check this line's indentation: the `- ` items of one list start in the same column, below their key"},
      {YAML::ErrorMsg::UNKNOWN_ANCHOR, "this alias names no anchor defined before it",
       "an alias `*name` repeats the node marked `&name` earlier in the file: define the anchor first, or write the value out"},
      {YAML::ErrorMsg::EOF_IN_SCALAR, "a quoted string is not closed before the end of the file", "add the closing quote"},
  };
  if (starts_with(msg, YAML::ErrorMsg::INVALID_ESCAPE)) {
    diags.error("yaml-syntax", stop,
                fmt::format("unknown escape `\\{}` in a double-quoted string", msg.substr(std::strlen(YAML::ErrorMsg::INVALID_ESCAPE))),
                "write `\\\\` for a backslash, or use single quotes, in which a backslash is an ordinary character");
    return;
  }
  for (const Known& k : known) {
    if (!starts_with(msg, k.yaml_cpp)) continue;
    diags.error("yaml-syntax", stop, k.message, k.help);
    return;
  }
  diags.error("yaml-syntax", stop, "this is not valid YAML: " + msg, "check the indentation and the brackets near this position");
}

}  // namespace nnc
